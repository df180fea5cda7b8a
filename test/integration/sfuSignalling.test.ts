import { randomBytes } from 'node:crypto';
import { SfuEvents, SfuServerEvents, RtpCapabilitiesSchema, type Participant } from '@parley/protocol';
import { MEDIA_RPC_PATH, type MediaRpcAck, type MediaRpcResult } from '@parley/protocol/internal';
import { io as connectRpc } from 'socket.io-client';
import { waitForMediaNode } from '../support/serverProcess.js';
import { OPUS } from '../support/rtp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMediaWorkers, startMediaNodeProcess, stopAllMediaNodes, waitFor } from '../support/mediaNodeProcess.js';
import { request } from './_http.js';
import { malformedSfuPayloads as malformed } from './sfuMalformedPayloads.js';
import { registerUser, sleep, startCluster, type Cluster, type TestUser, joinOk as join } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/** The media node's `getStats` ack, read unchecked off a raw RPC socket. */
type StatsAck = MediaRpcAck<MediaRpcResult<'getStats'>>;

/**
 * SFU signalling across two server instances and one media node process (real workers): the
 * mesh → SFU switch when the 5th participant joins and back after the hold, participant checks,
 * malformed payloads, and transports / produce / consume through the socket events.
 */
const secret = randomBytes(16).toString('hex');
let cluster: Cluster;
const users: TestUser[] = [];
let outsider: TestUser;
let nodeUrl: string;
let nodeProcess: Awaited<ReturnType<typeof startMediaNodeProcess>>;

beforeAll(async () => {
  buildMediaWorkers();
  const node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RTC_PORT: '44300',
    MEDIA_RPC_PORT: '4220',
    MEDIA_NODE_ID: `sfu-sig-${randomBytes(3).toString('hex')}`,
    MEDIA_SECRET: secret,
  });
  nodeUrl = node.url;
  nodeProcess = node;
  cluster = await startCluster('sfu', [3700, 3701], {
    MEDIA_NODE_URLS: node.url,
    MEDIA_SECRET: secret,
    MESH_MAX_PARTICIPANTS: '4',
    MESH_RETURN_AT: '2',
    MESH_RETURN_HOLD_MS: '1500',
    MEETING_SWEEP_MS: '200',
  });
  for (const url of [cluster.a.url, cluster.b.url]) await waitForMediaNode(url);
  for (let i = 0; i < 6; i++) users.push(await registerUser(i % 2 ? cluster.b.url : cluster.a.url, `sfu${i}`));
  outsider = await registerUser(cluster.a.url, 'sfuout');
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
  await stopAllMediaNodes();
});

/** A meeting hosted by users[0] with users[1..5] invited; sockets alternate between A and B. */
async function meeting(): Promise<{ meetingId: string; sockets: TestSocket[] }> {
  const sockets = await Promise.all(users.map((u, i) => connectSocket(i % 2 ? cluster.b.url : cluster.a.url, u.token)));
  const ack = await ok(sockets[0]!, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
  return { meetingId: ack.meeting.id, sockets };
}

describe('mesh ↔ SFU switch', () => {
  it('switches to sfu when the 5th joins, announces it once to everyone, and goes back after the hold', async () => {
    const { meetingId, sockets } = await meeting();
    for (const s of sockets.slice(0, 4)) expect((await join(s, meetingId)).mode).toBe('mesh');
    const fifth = await join(sockets[4]!, meetingId);
    expect(fifth.mode).toBe('sfu');
    for (const s of sockets.slice(0, 4)) {
      await s.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');
    }
    await sleep(300);
    for (const s of sockets.slice(0, 5))
      expect(s.all('meeting_mode', (p) => p.meetingId === meetingId)).toHaveLength(1);
    expect((await join(sockets[5]!, meetingId)).mode).toBe('sfu');

    // video-signal stays allowed in SFU mode (make-before-break).
    const relay = await sockets[1]!.ack('video-signal', {
      meetingId,
      to: fifth.selfPeerId,
      signal: { candidate: null },
    });
    expect(relay.ok, JSON.stringify(relay)).toBe(true);

    // Down to 3: still sfu. Down to 2: back to mesh after MESH_RETURN_HOLD_MS.
    for (const s of sockets.slice(3, 6)) await ok(s, 'leave_meeting', { meetingId });
    await sleep(2000);
    expect(sockets[0]!.all('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'mesh')).toHaveLength(0);
    const leftAt = Date.now();
    await ok(sockets[2]!, 'leave_meeting', { meetingId });
    await sockets[0]!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'mesh', 6000);
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(1400);
    await sockets[1]!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'mesh');
    expect((await join(sockets[2]!, meetingId)).mode).toBe('mesh');
    const info = await ok(sockets[0]!, 'get_room_info', { meetingId });
    expect(info.mode).toBe('mesh');
  });
});

describe('sfu:* events', () => {
  let meetingId: string;
  let sockets: TestSocket[];

  beforeAll(async () => {
    ({ meetingId, sockets } = await meeting());
    for (const s of sockets.slice(0, 5)) await join(s, meetingId);
  });

  it('refuse outsiders and invited users who have not joined (forbidden)', async () => {
    const out = await connectSocket(cluster.a.url, outsider.token);
    const notJoined = sockets[5]!;
    for (const s of [out, notJoined]) {
      for (const event of [SfuEvents.getCapabilities, SfuEvents.getProducers]) {
        const ack = await s.ack(event, { meetingId });
        expect(ack, `${event}`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      const t = await s.ack(SfuEvents.createTransport, { meetingId, direction: 'send' });
      expect(t).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
  });

  it.each(malformed)('%s with a malformed payload gets bad_request and the socket stays', async (event, payload) => {
    const ack = await sockets[0]!.ackRaw(event, payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(sockets[0]!.socket.connected).toBe(true);
  });

  it('creates transports, produces, announces the producer across instances, consumes, and cleans up on leave', async () => {
    const [alice, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const rtpCapabilities = RtpCapabilitiesSchema.parse(
      (await ok(alice, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    expect(rtpCapabilities.codecs!.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));

    const send = await ok(alice, SfuEvents.createTransport, { meetingId, direction: 'send' });
    expect(send.transportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(send.iceCandidates[0]!.port).toBe(nodeProcess.rtcPort);
    expect(send.dtlsParameters.fingerprints.length).toBeGreaterThan(0);

    const produced = await ok(alice, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 123456 }] },
      appData: { source: 'mic' },
    });
    const announced = await bob.waitFor(SfuServerEvents.newProducer, (p) => p.producerId === produced.producerId);
    expect(announced).toMatchObject({
      meetingId,
      kind: 'audio',
      source: 'mic',
      paused: false,
      userId: users[0]!.user.id,
    });
    expect(alice.all(SfuServerEvents.newProducer)).toHaveLength(0);

    const listed = await ok(bob, SfuEvents.getProducers, { meetingId });
    expect(listed.producers.map((p) => p.producerId)).toEqual([produced.producerId]);
    expect((await ok(alice, SfuEvents.getProducers, { meetingId })).producers).toEqual([]);

    const bobCaps = RtpCapabilitiesSchema.parse(
      (await ok(bob, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
    );
    const recv = await ok(bob, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    const bobSend = await ok(bob, SfuEvents.createTransport, { meetingId, direction: 'send' });

    // Consume errors: a send transport, an unknown producer, somebody else's transport, own producer.
    const viaSend = await bob.ack(SfuEvents.consume, {
      meetingId,
      transportId: bobSend.transportId,
      producerId: produced.producerId,
      rtpCapabilities: bobCaps,
    });
    expect(viaSend).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'transportId' } });
    const unknown = await bob.ack(SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: 'nope',
      rtpCapabilities: bobCaps,
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found', field: 'producerId' } });
    const foreign = await carol.ack(SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: produced.producerId,
      rtpCapabilities: bobCaps,
    });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found', field: 'transportId' } });
    const noCaps = await bob.ack(SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: produced.producerId,
      rtpCapabilities: { codecs: [], headerExtensions: [] },
    });
    expect(noCaps).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    const consumed = await ok(bob, SfuEvents.consume, {
      meetingId,
      transportId: recv.transportId,
      producerId: produced.producerId,
      rtpCapabilities: bobCaps,
    });
    expect(consumed).toMatchObject({
      producerId: produced.producerId,
      kind: 'audio',
      source: 'mic',
      producerPaused: false,
    });
    expect(consumed.peerId).toBe(announced.peerId);
    await ok(bob, SfuEvents.resumeConsumer, { meetingId, consumerId: consumed.consumerId });
    const notMine = await carol.ack(SfuEvents.resumeConsumer, { meetingId, consumerId: consumed.consumerId });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const tiles = await ok(bob, SfuEvents.reportTiles, {
      meetingId,
      tiles: [{ consumerId: consumed.consumerId, width: 320, height: 180, visible: false }],
    });
    expect(tiles.applied).toBe(0); // audio is never paused by tiles

    // Mute: the others are told.
    await ok(alice, SfuEvents.pauseProducer, { meetingId, producerId: produced.producerId });
    await bob.waitFor(SfuServerEvents.producerPaused, (p) => p.producerId === produced.producerId);
    expect((await ok(bob, SfuEvents.getProducers, { meetingId })).producers[0]!.paused).toBe(true);
    const stealPause = await bob.ack(SfuEvents.resumeProducer, { meetingId, producerId: produced.producerId });
    expect(stealPause).toMatchObject({ ok: false, error: { code: 'not_found' } });

    const restarted = await ok(alice, SfuEvents.restartIce, { meetingId, transportId: send.transportId });
    expect((restarted.iceParameters as { usernameFragment?: string }).usernameFragment).toBeTruthy();

    // Alice leaves: her producer closes for everyone, bob's consumer with it.
    await ok(alice, 'leave_meeting', { meetingId });
    await bob.waitFor(SfuServerEvents.producerClosed, (p) => p.producerId === produced.producerId);
    await carol.waitFor(SfuServerEvents.producerClosed, (p) => p.producerId === produced.producerId);
    await bob.waitFor(SfuServerEvents.consumerClosed, (p) => p.consumerId === consumed.consumerId);
    expect((await ok(bob, SfuEvents.getProducers, { meetingId })).producers).toEqual([]);
  });

  it('a peer replaced by the same user joining on the other instance loses its producers (cleaned up by peer id)', async () => {
    const [, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    const send = await ok(carol, SfuEvents.createTransport, { meetingId, direction: 'send' });
    const produced = await ok(carol, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 654321 }] },
      appData: { source: 'mic' },
    });
    await bob.waitFor(SfuServerEvents.newProducer, (p) => p.producerId === produced.producerId);
    // carol (instance A) joins again from instance B: her old peer is removed there.
    const carolAgain = await connectSocket(cluster.b.url, users[2]!.token);
    await join(carolAgain, meetingId);
    await bob.waitFor(SfuServerEvents.producerClosed, (p) => p.producerId === produced.producerId);
    expect((await ok(bob, SfuEvents.getProducers, { meetingId })).producers.map((p) => p.producerId)).not.toContain(
      produced.producerId,
    );
    // On the node too: the old peer's transports were closed (closePeer), and its producer with them.
    const rpc = connectRpc(nodeUrl, { path: MEDIA_RPC_PATH, auth: { secret }, transports: ['websocket'] });
    try {
      await waitFor(
        async () => {
          const ack = (await rpc
            .timeout(5000)
            .emitWithAck('rpc', { method: 'getStats', params: { meetingId } })) as StatsAck;
          return ack.ok && !ack.result.producers.some((p) => p.id === produced.producerId);
        },
        5000,
        'the producer closed on the node',
      );
    } finally {
      rpc.close();
    }
    // The old socket is no participant any more.
    const refused = await carol.ack(SfuEvents.getCapabilities, { meetingId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    sockets[2] = carolAgain;
  });

  it('the host mutes a participant in SFU mode: its producer is paused on the node at once', async () => {
    const info = await ok(sockets[1]!, 'get_room_info', { meetingId });
    expect(info.mode).toBe('sfu');
    const socketOf = (userId: string) => sockets[users.findIndex((u) => u.user.id === userId)]!;
    const host = socketOf(info.meeting.hostId);
    const [target, other] = info.participants.filter((p) => p.user.id !== info.meeting.hostId) as [
      Participant,
      Participant,
    ];
    const targetSocket = socketOf(target.user.id);
    const otherSocket = socketOf(other.user.id);
    const send = await ok(targetSocket, SfuEvents.createTransport, { meetingId, direction: 'send' });
    const produced = await ok(targetSocket, SfuEvents.produce, {
      meetingId,
      transportId: send.transportId,
      kind: 'audio',
      rtpParameters: { codecs: [OPUS], encodings: [{ ssrc: 777777 }] },
      appData: { source: 'mic' },
    });
    await otherSocket.waitFor(SfuServerEvents.newProducer, (p) => p.producerId === produced.producerId);

    // Not the host: refused, nothing paused.
    const refused = await otherSocket.ack('mute_participant', { meetingId, peerId: target.peerId, kind: 'audio' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await ok(host, 'mute_participant', { meetingId, peerId: target.peerId, kind: 'audio' });
    // Paused on the media node by the server itself, before the target's page does anything.
    const rpc = connectRpc(nodeUrl, { path: MEDIA_RPC_PATH, auth: { secret }, transports: ['websocket'] });
    try {
      const ack = (await rpc
        .timeout(5000)
        .emitWithAck('rpc', { method: 'getStats', params: { meetingId } })) as StatsAck;
      expect(ack.ok).toBe(true);
      expect(ack.ok && ack.result.producers.find((p) => p.id === produced.producerId)).toMatchObject({ paused: true });
    } finally {
      rpc.close();
    }
    expect(await targetSocket.waitFor('muted_by_host', (p) => p.meetingId === meetingId)).toEqual({
      meetingId,
      kind: 'audio',
    });
    await otherSocket.waitFor(SfuServerEvents.producerPaused, (p) => p.producerId === produced.producerId);
    await otherSocket.waitFor('participant_muted', (p) => p.peerId === target.peerId);
    expect(
      (await ok(otherSocket, SfuEvents.getProducers, { meetingId })).producers.find(
        (p) => p.producerId === produced.producerId,
      ),
    ).toMatchObject({ paused: true });
  });

  it('a media worker death resets the transports of the meeting: sfu:transports_reset within 5 s, then it works again', async () => {
    const [, bob, carol] = sockets as [TestSocket, TestSocket, TestSocket];
    await ok(carol, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    // The media node shows its workers to MEDIA_SECRET holders only.
    const health = (await request<{ workers: Array<{ pid: number }> }>(`${nodeUrl}/health`, { token: secret })).body;
    const pid = health.workers[0]!.pid;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    for (const s of [bob, carol]) {
      const reset = await s.waitFor(SfuServerEvents.transportsReset, (p) => p.meetingId === meetingId, 5000);
      expect(reset.meetingId).toBe(meetingId);
    }
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const again = await waitFor(
      async () => {
        const ack = await bob.ack(SfuEvents.createTransport, { meetingId, direction: 'send' });
        return ack.ok ? ack : null;
      },
      10_000,
      'a transport after the worker was replaced',
    );
    expect(again.iceCandidates[0]!.port).toBe(nodeProcess.rtcPort);
    expect((await ok(bob, SfuEvents.getProducers, { meetingId })).producers).toEqual([]);

    // Bob's socket is on instance B: its metrics count the reset and its SFU peers.
    const metricsB = await fetch(`${cluster.b.url}/metrics`).then((r) => r.text());
    expect(metricsB).toMatch(/^parley_sfu_transports_reset_total\{reason="worker_died"\} [1-9]/m);
    expect(metricsB).toMatch(/^parley_sfu_peers [1-9]/m);
  });

  it('a media node that goes away resets the transports (reason node_lost); the meeting falls back to mesh and sfu requests are refused', async () => {
    const [, bob] = sockets as [TestSocket, TestSocket];
    await ok(bob, SfuEvents.createTransport, { meetingId, direction: 'recv' });
    process.kill(nodeProcess.pid, 'SIGKILL');
    const reset = await bob.waitFor(
      SfuServerEvents.transportsReset,
      (p) => p.meetingId === meetingId && p.reason === 'node_lost',
      5000,
    );
    expect(reset.meetingId).toBe(meetingId);
    // No media node left and a small meeting: it goes back to mesh (docs/sfu.md, "Failures"),
    // where sfu:* requests create nothing.
    await bob.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'mesh', 5000);
    const ack = await bob.ack(SfuEvents.getCapabilities, { meetingId });
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});
