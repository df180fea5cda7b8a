/**
 * A rolling deploy of signalling: one of two instances gets SIGTERM in the middle of a meeting
 * whose participants are spread over both. Its clients are told (`server_restarting`), reconnect
 * to the other instance and join again with `resumePeerId`: they keep their peer ids, nobody is
 * shown leaving or joining, the host stays host, and the kept peers are not reaped afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, sleep, startCluster, type Cluster, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

let cluster: Cluster;
let users: TestUser[];

beforeAll(async () => {
  cluster = await startCluster('deploy', [3166, 3167], {
    MEETING_SWEEP_MS: '200',
    MEETING_INSTANCE_TTL_MS: '1500',
    MEETING_RESUME_MS: '3000',
    HOST_GRACE_MS: '1000',
  });
  users = await Promise.all([0, 1, 2, 3].map((i) => registerUser(cluster.a.url, `dep${i}`)));
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
});

const churn = (socket: TestSocket, meetingId: string) =>
  socket.events.filter(
    (e) =>
      ['meeting_user_left', 'meeting_user_joined', 'meeting_host_changed', 'meeting_ended'].includes(e.event) &&
      (e.payload as { meetingId?: string } | undefined)?.meetingId === meetingId,
  );

describe('an instance stopped with SIGTERM during a meeting (rolling deploy)', () => {
  it('hands its participants over: same peers on the other instance, nobody shown leaving, host kept', async () => {
    const [host, onA, second, third] = users as [TestUser, TestUser, TestUser, TestUser];
    // The host and one more on B (the instance to stop), two on A.
    const hostB = await connectSocket(cluster.b.url, host.token);
    const secondB = await connectSocket(cluster.b.url, second.token);
    const aSockets = await Promise.all([onA, third].map((u) => connectSocket(cluster.a.url, u.token)));
    const started = await ok(hostB, 'start_meeting', { inviteeIds: [onA, second, third].map((u) => u.user.id) });
    const meetingId = started.meeting.id;
    const peers = new Map<string, string>();
    for (const [user, socket] of [
      [host, hostB],
      [second, secondB],
      [onA, aSockets[0]!],
      [third, aSockets[1]!],
    ] as const) {
      peers.set(user.user.id, (await ok(socket, 'join_meeting', { meetingId })).selfPeerId);
    }
    await aSockets[0]!.waitFor('meeting_user_joined', (p) => p.meetingId === meetingId && p.user.id === third.user.id);
    const joinsBefore = aSockets.map((s) => churn(s, meetingId).length);

    // SIGTERM B; its clients hear `server_restarting` before their sockets close.
    const stopping = cluster.b.stop();
    const notice = await hostB.waitFor('server_restarting', () => true, 5000);
    expect(notice.resumeWithinMs).toBe(3000);
    const noticeAt = Date.now();
    await secondB.waitFor('server_restarting', () => true, 5000);
    expect(await stopping).toBe(0);
    // Only the stopped instance's sockets were closed (not every socket of the cluster).
    for (const socket of aSockets) expect(socket.socket.connected).toBe(true);

    // They reconnect to A (behind a proxy, the same URL) and resume their peers.
    const resumed: TestSocket[] = [];
    for (const [user, previous] of [
      [host, hostB],
      [second, secondB],
    ] as const) {
      const socket = await connectSocket(cluster.a.url, user.token);
      const ack = await ok(socket, 'join_meeting', { meetingId, resumePeerId: peers.get(user.user.id) });
      expect(ack.selfPeerId).toBe(peers.get(user.user.id));
      expect(ack.participants.map((p) => p.peerId).sort()).toEqual(
        [...peers.values()].filter((id) => id !== ack.selfPeerId).sort(),
      );
      expect(ack.meeting.hostId).toBe(host.user.id);
      resumed.push(socket);
      expect(previous.socket.connected).toBe(false);
    }
    console.log(
      `[rollingDeploy] signalling gap: ${Date.now() - noticeAt} ms from server_restarting to both peers resumed`,
    );

    // Mesh signalling reaches a resumed peer on its new socket.
    const relayed = await ok(aSockets[0]!, 'video-signal', {
      meetingId,
      to: peers.get(host.user.id)!,
      signal: { description: { type: 'rollback' } },
    });
    expect(relayed.ok).toBe(true);
    await resumed[0]!.waitFor('video-signal', (p) => p.from === peers.get(onA.user.id));

    // Past the resume window and the stopped instance's liveness: nothing was reaped.
    await sleep(4500);
    aSockets.forEach((socket, i) => expect(churn(socket, meetingId)).toHaveLength(joinsBefore[i]!));
    for (const socket of resumed) expect(churn(socket, meetingId)).toEqual([]);
    const info = await ok(aSockets[0]!, 'get_room_info', { meetingId });
    expect(info.participants.map((p) => p.peerId).sort()).toEqual([...peers.values()].sort());
    expect(info.meeting.hostId).toBe(host.user.id);
  }, 60_000);

  it("never takes over somebody else's peer", async () => {
    const [host, intruder] = users as [TestUser, TestUser];
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const intruderSocket = await connectSocket(cluster.a.url, intruder.token);
    const started = await ok(hostSocket, 'start_meeting', { inviteeIds: [intruder.user.id] });
    const meetingId = started.meeting.id;
    const hostPeer = (await ok(hostSocket, 'join_meeting', { meetingId })).selfPeerId;
    const joined = await ok(intruderSocket, 'join_meeting', { meetingId, resumePeerId: hostPeer });
    expect(joined.selfPeerId).not.toBe(hostPeer);
    expect(joined.participants.map((p) => p.peerId)).toEqual([hostPeer]);
    await hostSocket.waitFor('meeting_user_joined', (p) => p.meetingId === meetingId && p.peerId === joined.selfPeerId);
  }, 30_000);
});
