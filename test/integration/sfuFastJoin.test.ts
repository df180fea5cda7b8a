import { randomBytes } from 'node:crypto';
import { SfuEvents, RtpCapabilitiesSchema, type SfuConsumeResult } from '@parley/protocol';
import { OPUS } from '../support/rtp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaWorkers, startMediaNodeProcess, stopAllMediaNodes } from '../support/mediaNodeProcess.js';
import { freePort, waitForMediaNode } from '../support/serverProcess.js';
import { registerUser, startCluster, type Cluster, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/** A `sfu:consume_many` answer that succeeded. */
type ConsumedOk = Extract<SfuConsumeResult, { ok: true }>;

/**
 * The fast path of an SFU join (docs/sfu.md, "Join speed"), on two server instances and one media
 * node process: the join ack's router capabilities and transports, `sfu:consume_many` (one answer
 * per producer) and `sfu:resume_consumers`, and bad input to each.
 */
const secret = randomBytes(16).toString('hex');
let cluster: Cluster;
const users: TestUser[] = [];
let meetingId: string;
let sockets: TestSocket[];

beforeAll(async () => {
  buildMediaWorkers();
  const node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RTC_PORT: '44600',
    MEDIA_RPC_PORT: String(await freePort()),
    MEDIA_NODE_ID: `sfu-fast-${randomBytes(3).toString('hex')}`,
    MEDIA_SECRET: secret,
  });
  cluster = await startCluster('sfufast', [await freePort(), await freePort()], {
    MEDIA_NODE_URLS: node.url,
    MEDIA_SECRET: secret,
    MESH_MAX_PARTICIPANTS: '2',
    MESH_RETURN_AT: '1',
  });
  for (const url of [cluster.a.url, cluster.b.url]) await waitForMediaNode(url);
  for (let i = 0; i < 4; i++) users.push(await registerUser(i % 2 ? cluster.b.url : cluster.a.url, `fast${i}`));
  sockets = await Promise.all(users.map((u, i) => connectSocket(i % 2 ? cluster.b.url : cluster.a.url, u.token)));
  const started = await ok(sockets[0]!, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
  meetingId = started.meeting.id;
  // Three in: past MESH_MAX_PARTICIPANTS=2, so SFU.
  for (const socket of sockets.slice(0, 3)) await ok(socket, 'join_meeting', { meetingId });
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
  await stopAllMediaNodes();
});

/** Two audio producers of `producer` (mic and camera would need real RTP parameters for video). */
async function produceMic(socket: TestSocket, ssrc: number): Promise<string> {
  const send = await ok(socket, SfuEvents.createTransport, { meetingId, direction: 'send' });
  const produced = await ok(socket, SfuEvents.produce, {
    meetingId,
    transportId: send.transportId,
    kind: 'audio',
    rtpParameters: { codecs: [OPUS], encodings: [{ ssrc }] },
    appData: { source: 'mic' },
  });
  return produced.producerId;
}

describe('join_meeting in an SFU meeting', () => {
  it('carries the router capabilities, and the transports when asked (sfuTransports)', async () => {
    const joiner = sockets[3]!;
    const plain = await ok(joiner, 'join_meeting', { meetingId });
    expect(plain.mode).toBe('sfu');
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(joiner, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    expect(plain.sfu!.rtpCapabilities).toEqual(rtpCapabilities);
    expect(plain.sfu!.transports).toBeUndefined();

    const fast = await ok(joiner, 'join_meeting', { meetingId, sfuTransports: true });
    expect(RtpCapabilitiesSchema.parse(fast.sfu!.rtpCapabilities).codecs!.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8']),
    );
    const { send, recv } = fast.sfu!.transports!;
    expect(send.transportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recv.transportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(recv.transportId).not.toBe(send.transportId);
    expect(recv.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    // They are the peer's own: produce on the send one works, consume on the send one is refused.
    const produced = await ok(joiner, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 424242 }] },
      appData: { source: 'mic' },
    });
    expect(produced.producerId).toBeTruthy();
    const wrong = await joiner.ack(SfuEvents.consumeMany, {
      meetingId,
      transportId: send.transportId,
      rtpCapabilities,
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'transportId' } });
  });

  it('a mesh meeting ack has no sfu part', async () => {
    const mesh = await ok(sockets[0]!, 'start_meeting', {});
    const ack = await ok(sockets[0]!, 'join_meeting', { meetingId: mesh.meeting.id, sfuTransports: true });
    expect(ack.mode).toBe('mesh');
    expect(ack.sfu).toBeUndefined();
    await ok(sockets[0]!, 'leave_meeting', { meetingId: mesh.meeting.id });
  });
});

describe('sfu:consume_many and sfu:resume_consumers', () => {
  it('consume every producer of the others in one request, one answer each; resume them in one request', async () => {
    const [alice, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const aliceMic = await produceMic(alice, 111111);
    const bobMic = await produceMic(bob, 222222);
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(carol, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const recv = await ok(carol, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const listed = (await ok(carol, SfuEvents.getProducers, { meetingId })).producers.map((p) => p.producerId);
    expect(listed).toEqual(expect.arrayContaining([aliceMic, bobMic]));

    const all = await ok(carol, SfuEvents.consumeMany, { meetingId, transportId: recv.transportId, rtpCapabilities });
    expect(all.consumers.map((c) => c.producerId).sort()).toEqual([...listed].sort());
    for (const answer of all.consumers) {
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      expect(answer.ok ? answer.consumer : undefined).toMatchObject({
        producerId: answer.producerId,
        kind: 'audio',
        source: 'mic',
      });
    }
    const aliceConsumer = (all.consumers.find((c) => c.producerId === aliceMic) as ConsumedOk).consumer;
    expect(aliceConsumer.peerId).toBeTruthy();

    // Named producers: answers in order, each on its own (unknown id, own producer, a good one).
    const carolMic = await produceMic(carol, 333333);
    const bobRecv = await ok(bob, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const named = await ok(bob, SfuEvents.consumeMany, {
      meetingId,
      transportId: bobRecv.transportId,
      rtpCapabilities,
      producerIds: ['no-such-producer', bobMic, carolMic],
    });
    expect(named.consumers).toMatchObject([
      { producerId: 'no-such-producer', ok: false, error: { code: 'not_found', field: 'producerId' } },
      { producerId: bobMic, ok: false, error: { code: 'bad_request', field: 'producerId' } },
      { producerId: carolMic, ok: true, consumer: { producerId: carolMic, kind: 'audio' } },
    ]);

    // Resume: one answer per consumer, someone else's consumer is not_found.
    const carolConsumerIds = all.consumers.map((c) => (c as ConsumedOk).consumer.consumerId);
    const resumed = await ok(carol, SfuEvents.resumeConsumers, { meetingId, consumerIds: carolConsumerIds });
    expect(resumed.consumers).toEqual(carolConsumerIds.map((consumerId: string) => ({ consumerId, ok: true })));
    const bobConsumerId = (named.consumers[2] as ConsumedOk).consumer.consumerId;
    const mixed = await ok(carol, SfuEvents.resumeConsumers, {
      meetingId,
      consumerIds: [bobConsumerId, carolConsumerIds[0]!],
    });
    expect(mixed.consumers).toMatchObject([
      { consumerId: bobConsumerId, ok: false, error: { code: 'not_found' } },
      { consumerId: carolConsumerIds[0], ok: true },
    ]);
  });

  it('a whole request fails only when the transport is not your recv transport; resuming twice is harmless; keyFrames resumes the paused and keys the running', async () => {
    const [alice, , , dave] = sockets as [TestSocket, TestSocket, TestSocket, TestSocket];
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(dave, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const recv = await ok(dave, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const answer = await ok(dave, SfuEvents.consumeMany, { meetingId, transportId: recv.transportId, rtpCapabilities });
    expect(answer.consumers.length).toBeGreaterThan(0);
    expect(answer.consumers.every((c) => c.ok)).toBe(true);
    const consumerIds = answer.consumers.map((c) => (c as ConsumedOk).consumer.consumerId);
    for (let i = 0; i < 2; i++) {
      const resumed = await ok(dave, SfuEvents.resumeConsumers, { meetingId, consumerIds });
      expect(resumed.consumers.every((c) => c.ok)).toBe(true);
    }
    // keyFrames (a page whose receivers exist only now): running ones get a key frame request,
    // paused ones (new here) are resumed; each answered on its own, as a resume is.
    const transportId = (recv as { transportId: string }).transportId;
    const more = (await ok(dave, SfuEvents.consumeMany, { meetingId, transportId, rtpCapabilities })) as {
      consumers: { ok: boolean; consumer?: { consumerId: string } }[];
    };
    const pausedIds = more.consumers.flatMap((c) => (c.ok && c.consumer ? [c.consumer.consumerId] : []));
    const keyedIds = [...consumerIds, ...pausedIds];
    const keyed = (await ok(dave, SfuEvents.resumeConsumers, {
      meetingId,
      consumerIds: [...keyedIds, 'no-such-consumer'],
      keyFrames: true,
    })) as { consumers: unknown[] };
    expect(keyed.consumers).toMatchObject([
      ...keyedIds.map((consumerId) => ({ consumerId, ok: true })),
      { consumerId: 'no-such-consumer', ok: false, error: { code: 'not_found' } },
    ]);
    const aliceRecv = await ok(alice, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const foreign = await dave.ack(SfuEvents.consumeMany, {
      meetingId,
      transportId: aliceRecv.transportId,
      rtpCapabilities,
    });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found', field: 'transportId' } });
  });

  it('refuses outsiders (forbidden)', async () => {
    const outsider = await registerUser(cluster.a.url, 'fastout');
    const socket = await connectSocket(cluster.a.url, outsider.token);
    const consume = await socket.ack(SfuEvents.consumeMany, {
      meetingId,
      transportId: 'x',
      rtpCapabilities: { codecs: [], headerExtensions: [] },
    });
    expect(consume).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const resume = await socket.ack(SfuEvents.resumeConsumers, { meetingId, consumerIds: ['x'] });
    expect(resume).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  const id = 'x';
  const caps = { codecs: [], headerExtensions: [] };
  const malformed: Array<[string, unknown]> = [
    [SfuEvents.consumeMany, {}],
    [SfuEvents.consumeMany, { meetingId: id, transportId: id }],
    [SfuEvents.consumeMany, { meetingId: id, transportId: id, rtpCapabilities: caps, producerIds: [] }],
    [SfuEvents.consumeMany, { meetingId: id, transportId: id, rtpCapabilities: caps, producerIds: 'all' }],
    [SfuEvents.consumeMany, { meetingId: id, transportId: id, rtpCapabilities: caps, producerIds: [5] }],
    [
      SfuEvents.consumeMany,
      { meetingId: id, transportId: id, rtpCapabilities: caps, producerIds: Array.from({ length: 1001 }, () => id) },
    ],
    [SfuEvents.resumeConsumers, { meetingId: id }],
    [SfuEvents.resumeConsumers, { meetingId: id, consumerIds: [] }],
    [SfuEvents.resumeConsumers, { meetingId: id, consumerIds: [{}] }],
    [SfuEvents.resumeConsumers, null],
    [SfuEvents.resumeConsumers, { meetingId: id, consumerIds: [id], keyFrames: 'yes' }],
    ['join_meeting', { meetingId: id, sfuTransports: 'yes' }],
  ];
  it.each(malformed)('%s with a malformed payload gets bad_request and the socket stays', async (event, payload) => {
    const ack = await sockets[0]!.ackRaw(event, payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(sockets[0]!.socket.connected).toBe(true);
  });
});
