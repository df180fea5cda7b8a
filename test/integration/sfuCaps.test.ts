import {
  SfuEvents,
  SfuServerEvents,
  type ClientEventName,
  type ClientEventPayload,
  RtpCapabilitiesSchema,
} from '@parley/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPUS } from '../support/rtp.js';
import { createMediaCluster } from '../../server/src/media/MediaCluster.js';
import { startSfuNodesHarness, type SfuNodesHarness } from '../support/sfuHarness.js';
import { registerUser, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk } from './testSocket.js';

/**
 * SFU caps (docs/security.md, "SFU caps") against a real media node: floods of
 * sfu:create_transport, sfu:produce and sfu:consume stop at the caps on the node itself, the
 * room sees one sfu:new_producer per accepted produce, the meeting's producer cap holds, nothing
 * is created for a mesh meeting, and 200 create-then-disconnect loops leave the node's counts
 * at their baseline. The per-event rates are raised (EVENT_RATE_SCALE) so that the caps, not
 * the rates, are met. Ports 53400-53499.
 */
let h: SfuNodesHarness;
let cluster: ReturnType<typeof createMediaCluster>;
let users: TestUser[];
let meetingId: string;
const sockets: TestSocket[] = [];

type Ack = { ok: boolean; error?: { code: string }; producerId?: string };

const codes = (acks: Ack[]) => {
  const counts: Record<string, number> = {};
  for (const ack of acks) {
    const key = ack.ok ? 'ok' : (ack.error?.code ?? 'none');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

const ok = <E extends ClientEventName>(socket: TestSocket, event: E, payload: ClientEventPayload<E>) =>
  expectOk(socket, event, payload, 15_000);

/** What the media node holds of the meeting (zeros when it has no router for it). */
async function nodeCounts(id: string) {
  const s = await cluster
    .client(h.nodeIds[0]!)!
    .request('getStats', { meetingId: id })
    .catch(() => ({ routers: [] as Array<Record<'transports' | 'producers' | 'consumers', number>> }));
  const sum = (key: 'transports' | 'producers' | 'consumers') => s.routers.reduce((n, r) => n + r[key], 0);
  return {
    routers: s.routers.length,
    transports: sum('transports'),
    producers: sum('producers'),
    consumers: sum('consumers'),
  };
}

const audio = (ssrc: number) => ({ codecs: [OPUS], encodings: [{ ssrc }] });

beforeAll(async () => {
  h = await startSfuNodesHarness('sfucaps', {
    serverPort: 53400,
    nodes: [{ rpcPort: 53410, rtcPort: 53420 }],
    env: {
      SFU_PLAIN_RTP: 'true',
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '1',
      MESH_RETURN_HOLD_MS: '600000',
      EVENT_RATE_SCALE: '100',
      SFU_MAX_PRODUCERS_PER_MEETING: '3',
    },
  });
  cluster = createMediaCluster({
    redis: null,
    staticUrls: h.nodes.map((n) => n.url),
    secret: h.secret,
    logger: pino({ level: 'silent' }),
    intervalMs: 500,
  });
  await cluster.start();
  for (let i = 0; i < 100 && !cluster.nodes().every((n) => n.connected); i++)
    await new Promise((r) => setTimeout(r, 100));
  users = await Promise.all(['alice', 'bob', 'carol', 'erin'].map((name) => registerUser(h.url, `caps${name}`)));
  sockets.push(...(await Promise.all(users.slice(0, 3).map((u) => connectSocket(h.url, u.token)))));
  const [alice, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
  meetingId = (await ok(alice, 'start_meeting', { access: 'link' })).meeting.id;
  for (const s of [alice, bob, carol]) await ok(s, 'join_meeting', { meetingId });
  await alice.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
  await h?.close();
});

describe('SFU caps', () => {
  it('refuses every sfu request that would create something in a mesh meeting, and places no router', async () => {
    const [a, b] = await Promise.all(users.slice(0, 2).map((u) => connectSocket(h.url, u.token)));
    const mesh = (await ok(a!, 'start_meeting', { access: 'link' })).meeting.id;
    await ok(a!, 'join_meeting', { meetingId: mesh });
    await ok(b!, 'join_meeting', { meetingId: mesh });
    const acks: Ack[] = await Promise.all([
      a!.ack(SfuEvents.getCapabilities, { meetingId: mesh }),
      a!.ack(SfuEvents.createTransport, { meetingId: mesh, direction: 'send' }),
      b!.ack(SfuEvents.createPlainTransport, { meetingId: mesh, direction: 'recv' }),
      b!.ack(SfuEvents.getProducers, { meetingId: mesh }),
    ]);
    expect(acks.map((ack) => ack.error?.code)).toEqual(['forbidden', 'forbidden', 'forbidden', 'forbidden']);
    expect(await nodeCounts(mesh)).toMatchObject({ routers: 0 });
  });

  it('stops 500 create_transport calls at SFU_MAX_TRANSPORTS per direction, on the node too', async () => {
    const alice = sockets[0]!;
    const before = await nodeCounts(meetingId);
    const acks: Ack[] = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        alice.ack(
          i % 2 ? SfuEvents.createTransport : SfuEvents.createPlainTransport,
          { meetingId, direction: 'send' },
          30_000,
        ),
      ),
    );
    expect(codes(acks)).toEqual({ ok: 4, conflict: 496 });
    const after = await nodeCounts(meetingId);
    expect(after.transports - before.transports).toBe(4);
  });

  it('keeps one producer per source: 500 produce calls leave one, and the room saw one new_producer per accepted call', async () => {
    const [, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const send = await ok(bob, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
    const acks: Ack[] = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        bob.ack(
          SfuEvents.produce,
          {
            meetingId,
            transportId: send.transportId,
            kind: 'audio',
            rtpParameters: audio(41_000 + i),
            appData: { source: 'mic' },
          },
          30_000,
        ),
      ),
    );
    const counts = codes(acks);
    expect(Object.keys(counts).sort()).toEqual(['conflict', 'ok']);
    const accepted = acks.filter((ack) => ack.ok).map((ack) => ack.producerId as string);
    const listed = (await ok(carol, SfuEvents.getProducers, { meetingId })).producers;
    expect(listed).toHaveLength(1);
    expect(accepted).toContain(listed[0]!.producerId);
    expect((await nodeCounts(meetingId)).producers).toBe(1);
    // Each accepted produce was announced once; each replaced one was closed for the room.
    const closed = () => carol.all(SfuServerEvents.producerClosed, (p) => p.meetingId === meetingId);
    for (let i = 0; i < 50 && closed().length < accepted.length - 1; i++) await new Promise((r) => setTimeout(r, 100));
    const announced = carol.all(SfuServerEvents.newProducer, (p) => p.meetingId === meetingId);
    expect(announced.map((p) => p.producerId).sort()).toEqual([...accepted].sort());
    expect(closed()).toHaveLength(accepted.length - 1);
  });

  it('stops 500 consume calls of one producer at SFU_MAX_CONSUMERS_PER_PRODUCER', async () => {
    const carol = sockets[2]!;
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(carol, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const recv = await ok(carol, SfuEvents.createPlainTransport, { meetingId, direction: 'recv' });
    const [mic] = (await ok(carol, SfuEvents.getProducers, { meetingId })).producers;
    const before = await nodeCounts(meetingId);
    const acks: Ack[] = await Promise.all(
      Array.from({ length: 500 }, () =>
        carol.ack(
          SfuEvents.consume,
          { meetingId, transportId: recv.transportId, producerId: mic!.producerId, rtpCapabilities },
          30_000,
        ),
      ),
    );
    expect(codes(acks)).toEqual({ ok: 4, conflict: 496 });
    expect((await nodeCounts(meetingId)).consumers - before.consumers).toBe(4);
  });

  it('holds the meeting producer cap (SFU_MAX_PRODUCERS_PER_MEETING=3)', async () => {
    const [, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const bobSend = await ok(bob, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
    for (const [i, source] of (['camera', 'screen'] as const).entries())
      await ok(bob, SfuEvents.produce, {
        meetingId,
        transportId: bobSend.transportId,
        kind: 'audio',
        rtpParameters: audio(42_000 + i),
        appData: { source },
      });
    const carolSend = await ok(carol, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
    const refused = await carol.ack(SfuEvents.produce, {
      meetingId,
      transportId: carolSend.transportId,
      kind: 'audio',
      rtpParameters: audio(43_000),
      appData: { source: 'mic' },
    });
    expect(refused.ok ? undefined : refused.error.code).toBe('conflict');
    // Replacing one's own source stays possible at the cap.
    await ok(bob, SfuEvents.produce, {
      meetingId,
      transportId: bobSend.transportId,
      kind: 'audio',
      rtpParameters: audio(42_100),
      appData: { source: 'screen' },
    });
    expect((await nodeCounts(meetingId)).producers).toBe(3);
  });

  it('leaves the node at its baseline after 200 create-then-disconnect loops', async () => {
    const erin = users[3]!;
    const baseline = await nodeCounts(meetingId);
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const s = await connectSocket(h.url, erin.token);
          await ok(s, 'join_meeting', { meetingId });
          // Fired without waiting: the socket goes while the transport is being created.
          void s.ack(SfuEvents.createTransport, { meetingId, direction: 'recv' }).catch(() => undefined);
          void s.ack(SfuEvents.createPlainTransport, { meetingId, direction: 'send' }).catch(() => undefined);
          await new Promise((r) => setTimeout(r, round % 3));
          s.close();
        }),
      );
    }
    let now = await nodeCounts(meetingId);
    for (let i = 0; i < 50 && now.transports !== baseline.transports; i++) {
      await new Promise((r) => setTimeout(r, 200));
      now = await nodeCounts(meetingId);
    }
    expect(now).toEqual(baseline);
  });
});
