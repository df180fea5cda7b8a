import { SfuEvents, SfuServerEvents, RtpCapabilitiesSchema } from '@parley/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/mediaNodeProcess.js';
import { OPUS, rtpSender, udpSink, type RtpSender, type UdpSink } from '../support/rtp.js';
import { createMediaCluster, type MediaCluster } from '../../server/src/media/MediaCluster.js';
import { startSfuNodesHarness, type SfuNodesHarness } from '../support/sfuHarness.js';
import { registerUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/**
 * A meeting spread over two media node processes (docs/sfu.md "Across nodes"): with
 * SFU_NODE_CONSUMER_BUDGET=1, the second listener's recv transport goes on the other node and the
 * producer is piped there; plain RTP from Node reaches that listener's UDP socket, pause/resume
 * follow through the pipe, and closing the producer closes the consumer on the other node.
 * Ports 53000-53099.
 */
let h: SfuNodesHarness;
let cluster: MediaCluster;
const sinks: UdpSink[] = [];
const senders: RtpSender[] = [];

beforeAll(async () => {
  h = await startSfuNodesHarness('h4nodes', {
    serverPort: 53000,
    nodes: [
      { rpcPort: 53010, rtcPort: 53020 },
      { rpcPort: 53011, rtcPort: 53030 },
    ],
    env: {
      SFU_PLAIN_RTP: 'true',
      SFU_NODE_CONSUMER_BUDGET: '1',
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '1',
      MESH_RETURN_HOLD_MS: '600000',
    },
  });
  // The test's own view of the nodes (getStats), as a server has it.
  cluster = createMediaCluster({
    redis: null,
    staticUrls: h.nodes.map((n) => n.url),
    secret: h.secret,
    logger: pino({ level: 'silent' }),
    intervalMs: 500,
  });
  await cluster.start();
  await waitFor(
    () => cluster.nodes().every((n) => n.connected && n.workers.length > 0),
    15_000,
    'the test to see both nodes',
  );
}, 120_000);

afterAll(async () => {
  for (const s of sinks) s.close();
  for (const s of senders) s.close();
  closeAllSockets();
  await cluster?.stop();
  await h?.close();
});

/** What a node holds of the meeting (null: no router there). */
async function stats(nodeId: string, meetingId: string) {
  try {
    const s = await cluster.client(nodeId)!.request('getStats', { meetingId });
    return s.routers.length > 0 ? s : null;
  } catch {
    return null;
  }
}

/** A recv plain transport connected to a fresh UDP sink, consuming `producerId`, resumed. */
async function listen(socket: TestSocket, meetingId: string, producerId: string) {
  const rtpCapabilities = RtpCapabilitiesSchema.parse(
    (await ok(socket, SfuEvents.getCapabilities, { meetingId })).rtpCapabilities,
  );
  const sink = await udpSink();
  sinks.push(sink);
  const recv = await ok(socket, SfuEvents.createPlainTransport, { meetingId, direction: 'recv' });
  await ok(socket, SfuEvents.connectPlainTransport, {
    meetingId,
    transportId: recv.transportId,
    ip: '127.0.0.1',
    port: sink.port,
  });
  const consumer = await ok(socket, SfuEvents.consume, {
    meetingId,
    transportId: recv.transportId,
    producerId,
    rtpCapabilities,
  });
  await ok(socket, SfuEvents.resumeConsumer, { meetingId, consumerId: consumer.consumerId });
  return { sink, consumerId: consumer.consumerId, transportId: recv.transportId };
}

async function produce(socket: TestSocket, meetingId: string, ssrc: number) {
  const send = await ok(socket, SfuEvents.createPlainTransport, { meetingId, direction: 'send' });
  const produced = await ok(socket, SfuEvents.produce, {
    meetingId,
    transportId: send.transportId,
    kind: 'audio',
    rtpParameters: { codecs: [OPUS], encodings: [{ ssrc }] },
    appData: { source: 'mic' },
  });
  const sender = await rtpSender(send.ip, send.port, ssrc);
  senders.push(sender);
  return { producerId: produced.producerId, sender };
}

const pipesCounter = async () => {
  const text = await fetch(`${h.url}/metrics`).then((r) => r.text());
  return Number(/^parley_sfu_node_pipes_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
};

describe('a meeting across two media nodes', () => {
  it('places the second listener on the other node, pipes the producer there, and follows pause and close', async () => {
    const users = await Promise.all(['alice', 'bob', 'carol'].map((name) => registerUser(h.url, `h4n${name}`)));
    const [alice, bob, carol] = await Promise.all(users.map((u) => connectSocket(h.url, u.token)));
    const started = await ok(alice!, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
    const meetingId = started.meeting.id;
    for (const s of [alice!, bob!, carol!]) await ok(s, 'join_meeting', { meetingId });
    await alice!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');

    await ok(alice!, SfuEvents.getCapabilities, { meetingId });
    const a = await produce(alice!, meetingId, 11_111);
    const primary = (await stats(h.nodeIds[0]!, meetingId)) ? h.nodeIds[0]! : h.nodeIds[1]!;
    const other = h.nodeIds.find((id) => id !== primary)!;
    expect(await stats(other, meetingId)).toBeNull();

    // Bob's consumer fills the primary node's budget (1); Carol's transport goes to the other node.
    const bobListens = await listen(bob!, meetingId, a.producerId);
    const carolListens = await listen(carol!, meetingId, a.producerId);
    const onOther = await stats(other, meetingId);
    expect(onOther?.consumers.map((c) => c.id)).toEqual([carolListens.consumerId]);
    expect(onOther?.producers.map((p) => p.id)).toEqual([a.producerId]);
    expect((await stats(primary, meetingId))?.consumers.map((c) => c.id)).toContain(bobListens.consumerId);
    expect(await pipesCounter()).toBe(1);

    // Packets reach both listeners, Carol's through the node-to-node pipe.
    await a.sender.send(100, 1, 5);
    await waitFor(
      () => carolListens.sink.packets() >= 80 && bobListens.sink.packets() >= 80,
      5_000,
      'packets at both sinks',
    );

    // Pause and resume follow through the pipe.
    await ok(alice!, SfuEvents.pauseProducer, { meetingId, producerId: a.producerId });
    expect((await stats(other, meetingId))?.producers[0]?.paused).toBe(true);
    const before = carolListens.sink.packets();
    await a.sender.send(30, 101, 5);
    await new Promise((r) => setTimeout(r, 300));
    expect(carolListens.sink.packets()).toBe(before);
    await ok(alice!, SfuEvents.resumeProducer, { meetingId, producerId: a.producerId });
    expect((await stats(other, meetingId))?.producers[0]?.paused).toBe(false);
    await a.sender.send(50, 131, 5);
    await waitFor(() => carolListens.sink.packets() >= before + 40, 5_000, 'packets after resume');

    // A second producer uses the same pipe pair (no new pipe).
    const b = await produce(bob!, meetingId, 22_222);
    const carolHearsBob = await listen(carol!, meetingId, b.producerId);
    await b.sender.send(60, 1, 5);
    await waitFor(() => carolHearsBob.sink.packets() >= 40, 5_000, "bob's packets at carol's sink");
    expect(await pipesCounter()).toBe(1);

    // Closing the producer on its node closes the consumer on the other node.
    await ok(alice!, SfuEvents.closeProducer, { meetingId, producerId: a.producerId });
    const closed = await carol!.waitFor(
      SfuServerEvents.consumerClosed,
      (p) => p.consumerId === carolListens.consumerId,
      5_000,
    );
    expect(closed).toMatchObject({ meetingId, producerId: a.producerId });
    await bob!.waitFor(SfuServerEvents.consumerClosed, (p) => p.consumerId === bobListens.consumerId, 5_000);
    await waitFor(
      async () => !(await stats(other, meetingId))?.producers.some((p) => p.id === a.producerId),
      5_000,
      'the piped copy closed',
    );

    // The meeting ends: its routers go on both nodes.
    await ok(alice!, 'stop_meeting', { meetingId });
    await waitFor(
      async () => (await stats(primary, meetingId)) === null && (await stats(other, meetingId)) === null,
      10_000,
      'routers closed on both nodes',
    );
  });
});
