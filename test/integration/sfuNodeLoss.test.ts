import { SfuEvents, SfuServerEvents } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMediaNodeProcess, waitFor } from '../support/mediaNodeProcess.js';
import { startSfuNodesHarness, type SfuNodesHarness } from '../support/sfuHarness.js';
import { registerUser, sleep } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/**
 * A whole media node lost (kill -9 of its process; docs/sfu.md "Failures"): the sockets of its
 * meetings get `sfu:transports_reset` (reason node_lost) and their next requests land on the
 * other node; with no node left, a small SFU meeting falls back to mesh while a large one stays
 * in SFU and is reset again when a node comes back. Ports 53100-53199.
 */
let h: SfuNodesHarness;
/** The nodes' first RTC ports as they started (moved up past ports something else held). */
let RTC: number[] = [];

beforeAll(async () => {
  h = await startSfuNodesHarness('h4loss', {
    serverPort: 53100,
    nodes: [
      { rpcPort: 53110, rtcPort: 53120 },
      { rpcPort: 53111, rtcPort: 53130 },
    ],
    env: {
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '1',
      MESH_RETURN_HOLD_MS: '600000',
      SFU_NODE_LOST_GRACE_MS: '1500',
    },
  });
  RTC = h.nodes.map((node) => node.rtcPort!);
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await h?.close();
});

/** A meeting of `size` participants (in SFU mode: more than MESH_MAX_PARTICIPANTS=2). */
async function meeting(size: number, label: string): Promise<{ meetingId: string; sockets: TestSocket[] }> {
  const users = await Promise.all(Array.from({ length: size }, (_, i) => registerUser(h.url, `${label}${i}`)));
  const sockets = await Promise.all(users.map((u) => connectSocket(h.url, u.token)));
  const started = await ok(sockets[0]!, 'start_meeting', { inviteeIds: users.slice(1).map((u) => u.user.id) });
  const meetingId = started.meeting.id;
  for (const s of sockets) await ok(s, 'join_meeting', { meetingId });
  await sockets[0]!.waitFor('meeting_mode', (p) => p.meetingId === meetingId && p.mode === 'sfu');
  return { meetingId, sockets };
}

/** Every socket sets up its transports; answers the RTC port they are on (the node's). */
async function setUp(meetingId: string, sockets: TestSocket[]): Promise<number[]> {
  const ports: number[] = [];
  for (const s of sockets) {
    await ok(s, SfuEvents.getCapabilities, { meetingId });
    for (const direction of ['send', 'recv'] as const) {
      const t = await ok(s, SfuEvents.createTransport, { meetingId, direction });
      ports.push(t.iceCandidates[0]!.port);
    }
  }
  return ports;
}

const resets = (s: TestSocket, meetingId: string) =>
  s.all(SfuServerEvents.transportsReset, (p) => p.meetingId === meetingId).length;

describe('a media node lost', () => {
  it('resets the transports of its meetings, which go on the other node; with no node left a small meeting goes to mesh', async () => {
    const small = await meeting(3, 'h4ls');
    const large = await meeting(5, 'h4ll');
    const smallPorts = await setUp(small.meetingId, small.sockets);
    const largePorts = await setUp(large.meetingId, large.sockets);
    // Each meeting lives on one node (no node budget): all its transports on one RTC port.
    expect(new Set(smallPorts).size).toBe(1);
    expect(new Set(largePorts).size).toBe(1);

    // kill -9 the small meeting's node.
    const first = RTC.indexOf(smallPorts[0]!);
    const survivor = 1 - first;
    const killedAt = Date.now();
    process.kill(h.nodes[first]!.pid, 'SIGKILL');
    for (const s of small.sockets) {
      const reset = await s.waitFor(SfuServerEvents.transportsReset, (p) => p.meetingId === small.meetingId, 8_000);
      expect(reset.reason).toBe('node_lost');
    }
    expect(Date.now() - killedAt).toBeLessThan(8_000);
    // The large meeting, if it was on the other node, is untouched.
    if (largePorts[0] === RTC[survivor]) for (const s of large.sockets) expect(resets(s, large.meetingId)).toBe(0);

    // The next requests place the meeting on the surviving node.
    const again = await setUp(small.meetingId, small.sockets.slice(0, 2));
    expect(again).toEqual([RTC[survivor], RTC[survivor], RTC[survivor], RTC[survivor]]);
    if (largePorts[0] !== RTC[survivor]) {
      for (const s of large.sockets)
        await s.waitFor(SfuServerEvents.transportsReset, (p) => p.meetingId === large.meetingId, 8_000);
      expect(await setUp(large.meetingId, large.sockets)).toEqual(Array(10).fill(RTC[survivor]));
    }
    const metrics = await fetch(`${h.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^parley_sfu_transports_reset_total\{reason="node_lost"\} [1-9]/m);

    // Kill the last node: the small meeting (3 ≤ 2 × MESH_MAX_PARTICIPANTS) goes to mesh, the large one (5) stays in SFU.
    const largeResets = large.sockets.map((s) => resets(s, large.meetingId));
    process.kill(h.nodes[survivor]!.pid, 'SIGKILL');
    for (const s of small.sockets)
      await s.waitFor('meeting_mode', (p) => p.meetingId === small.meetingId && p.mode === 'mesh', 8_000);
    const info = await ok(small.sockets[0]!, 'get_room_info', { meetingId: small.meetingId });
    expect(info.mode).toBe('mesh');
    for (const [i, s] of large.sockets.entries()) {
      await waitFor(() => resets(s, large.meetingId) > largeResets[i]!, 8_000, 'a reset of the large meeting');
    }
    await sleep(300);
    for (const s of large.sockets)
      expect(s.all('meeting_mode', (p) => p.meetingId === large.meetingId && p.mode === 'mesh')).toHaveLength(0);
    expect((await ok(large.sockets[0]!, 'get_room_info', { meetingId: large.meetingId })).mode).toBe('sfu');
    const refused = await large.sockets[0]!.ack(SfuEvents.getCapabilities, { meetingId: large.meetingId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    // A node comes back (same port and id): the large meeting is reset again and works on it.
    const afterLoss = large.sockets.map((s) => resets(s, large.meetingId));
    h.nodes[first] = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_RPC_PORT: new URL(h.nodes[first]!.url).port,
      MEDIA_RTC_PORT: String(RTC[first]),
      MEDIA_PUBLIC_URL: h.nodes[first]!.url, // the server knows the node by this URL
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_NODE_ID: h.nodeIds[first]!,
      MEDIA_SECRET: h.secret,
    });
    for (const [i, s] of large.sockets.entries()) {
      await waitFor(() => resets(s, large.meetingId) > afterLoss[i]!, 15_000, 'a reset once a node is back');
    }
    expect(await setUp(large.meetingId, large.sockets.slice(0, 1))).toEqual([RTC[first], RTC[first]]);
  });
});
