import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  forMeeting,
  registerUser,
  sleep,
  startCluster,
  type Cluster,
  type TestUser,
  joinOk as join,
} from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, assertOk, expectOk } from './testSocket.js';

/**
 * Meeting resilience across two server instances with short timers: F5 without duplicate peers,
 * host reconnection grace and host transfer, empty-meeting cleanup, and timers and peers of an
 * instance that dies (SIGKILL) handled by the other one.
 */
const GRACE_MS = 1500;
const EMPTY_MS = 1500;
let cluster: Cluster;
let host: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  cluster = await startCluster('meettimers', [3411, 3412], {
    HOST_GRACE_MS: String(GRACE_MS),
    EMPTY_MEETING_MS: String(EMPTY_MS),
    MEETING_SWEEP_MS: '200',
    MEETING_INSTANCE_TTL_MS: '2000',
  });
  [host, bob, carol] = await Promise.all([
    registerUser(cluster.a.url, 'host'),
    registerUser(cluster.b.url, 'bob'),
    registerUser(cluster.a.url, 'carol'),
  ]);
});

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
});

async function meetingRow(id: string): Promise<{ status: string; host_id: string; end_reason: string | null }> {
  const client = new pg.Client({ connectionString: cluster.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; host_id: string; end_reason: string | null }>(
      'SELECT status, host_id, end_reason FROM meetings WHERE id = $1',
      [id],
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

async function start(socket: TestSocket, inviteeIds: string[]): Promise<string> {
  const ack = assertOk(await socket.ack('start_meeting', { inviteeIds }), 'start_meeting');
  return ack.meeting.id;
}

const leftEvent = (meetingId: string, peerId: string) => (p: { meetingId: string; peerId: string }) =>
  p.meetingId === meetingId && p.peerId === peerId;

describe('F5: one peer per user and meeting', () => {
  it('replaces the old peer when the same user joins again while the old socket is still there', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const meetingId = await start(hostSocket, [bob.user.id]);
    const hostPeer = (await join(hostSocket, meetingId)).selfPeerId;

    const first = await connectSocket(cluster.a.url, bob.token);
    const p1 = (await join(first, meetingId)).selfPeerId;
    await hostSocket.waitFor('meeting_user_joined', (p) => p.peerId === p1);

    // The reloaded page, on the other instance, joins while the old socket is still connected.
    const second = await connectSocket(cluster.b.url, bob.token);
    const rejoin = await join(second, meetingId);
    const p2 = rejoin.selfPeerId;
    expect(p2).not.toBe(p1);
    expect(rejoin.participants).toEqual([{ peerId: hostPeer, user: host.user }]);

    const removed = { meetingId, peerId: p1, userId: bob.user.id, reason: 'removed' };
    expect(await hostSocket.waitFor('meeting_user_left', leftEvent(meetingId, p1))).toEqual(removed);
    expect(await first.waitFor('meeting_user_left', leftEvent(meetingId, p1))).toEqual(removed);
    await hostSocket.waitFor('meeting_user_joined', (p) => p.peerId === p2);

    const info = await expectOk(hostSocket, 'get_room_info', { meetingId });
    expect(info.participants.map((p) => p.peerId).sort()).toEqual([hostPeer, p2].sort());
    expect(info.participants.filter((p) => p.user.id === bob.user.id)).toHaveLength(1);

    // The old socket is no participant any more, and its disconnect removes nothing.
    const stale = await first.ack('video-signal', { meetingId, to: hostPeer, signal: { candidate: null } });
    expect(stale).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    first.close();
    await sleep(600);
    expect(hostSocket.all('meeting_user_left', (p) => p.meetingId === meetingId)).toEqual([removed]);
    expect((await expectOk(hostSocket, 'get_room_info', { meetingId })).participants).toHaveLength(2);

    // A reload where the old socket went first: 'disconnected', then a clean join, no 'removed'.
    second.close();
    expect(await hostSocket.waitFor('meeting_user_left', leftEvent(meetingId, p2))).toEqual({
      meetingId,
      peerId: p2,
      userId: bob.user.id,
      reason: 'disconnected',
    });
    const third = await connectSocket(cluster.a.url, bob.token);
    const p3 = (await join(third, meetingId)).selfPeerId;
    await hostSocket.waitFor('meeting_user_joined', (p) => p.peerId === p3);
    await sleep(300);
    expect(
      hostSocket.all('meeting_user_left', (p) => p.meetingId === meetingId && p.reason === 'removed'),
    ).toHaveLength(1);
    const after = await expectOk(hostSocket, 'get_room_info', { meetingId });
    expect(after.participants.map((p) => p.peerId).sort()).toEqual([hostPeer, p3].sort());
    expect(await hostSocket.ack('stop_meeting', { meetingId })).toEqual({ ok: true });
  });
});

describe('host reconnection grace', () => {
  it('keeps the host when it rejoins within the grace', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const meetingId = await start(hostSocket, [bob.user.id]);
    const hostPeer = (await join(hostSocket, meetingId)).selfPeerId;
    await join(bobSocket, meetingId);

    hostSocket.close();
    await bobSocket.waitFor('meeting_user_left', leftEvent(meetingId, hostPeer));
    const back = await connectSocket(cluster.b.url, host.token);
    const rejoined = await join(back, meetingId);
    expect(rejoined.meeting.hostId).toBe(host.user.id);

    await sleep(GRACE_MS + 1000);
    expect(bobSocket.all('meeting_host_changed', forMeeting(meetingId))).toEqual([]);
    expect((await meetingRow(meetingId)).host_id).toBe(host.user.id);
    expect((await expectOk(bobSocket, 'get_room_info', { meetingId })).meeting.hostId).toBe(host.user.id);
    expect(await back.ack('stop_meeting', { meetingId })).toEqual({ ok: true });
  });

  it('passes the host role to the longest-present participant when the host does not come back', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const carolSocket = await connectSocket(cluster.a.url, carol.token);
    const meetingId = await start(hostSocket, [bob.user.id, carol.user.id]);
    await join(hostSocket, meetingId);
    await join(bobSocket, meetingId);
    await join(carolSocket, meetingId);

    const disconnectedAt = Date.now();
    hostSocket.close();
    const changed = await bobSocket.waitFor('meeting_host_changed', forMeeting(meetingId), GRACE_MS + 5000);
    const after = Date.now() - disconnectedAt;
    expect(changed).toEqual({ meetingId, hostId: bob.user.id });
    expect(after).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(await carolSocket.waitFor('meeting_host_changed', forMeeting(meetingId))).toEqual(changed);
    expect((await meetingRow(meetingId)).host_id).toBe(bob.user.id);
    expect((await expectOk(carolSocket, 'get_room_info', { meetingId })).meeting.hostId).toBe(bob.user.id);

    // The former host comes back as a participant and may no longer stop the meeting.
    const back = await connectSocket(cluster.b.url, host.token);
    await join(back, meetingId);
    expect(await back.ack('stop_meeting', { meetingId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bobSocket.ack('stop_meeting', { meetingId })).toEqual({ ok: true });
    expect(await back.waitFor('meeting_ended', forMeeting(meetingId))).toEqual({ meetingId, reason: 'stopped' });
  });

  it('hands the role over at once when the host leaves on purpose', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const carolSocket = await connectSocket(cluster.b.url, carol.token);
    const meetingId = await start(hostSocket, [carol.user.id]);
    await join(hostSocket, meetingId);
    await join(carolSocket, meetingId);
    const leftAt = Date.now();
    expect(await hostSocket.ack('leave_meeting', { meetingId })).toEqual({ ok: true });
    expect(await carolSocket.waitFor('meeting_host_changed', forMeeting(meetingId))).toEqual({
      meetingId,
      hostId: carol.user.id,
    });
    expect(Date.now() - leftAt).toBeLessThan(GRACE_MS);
    expect(await carolSocket.ack('stop_meeting', { meetingId })).toEqual({ ok: true });
  });
});

describe('empty-meeting cleanup', () => {
  it('ends a meeting nobody is in after EMPTY_MEETING_MS, and not one that someone rejoined', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const emptied = await start(hostSocket, [bob.user.id]);
    const kept = await start(hostSocket, [bob.user.id]);
    await join(hostSocket, emptied);
    await join(hostSocket, kept);
    const leftAt = Date.now();
    await hostSocket.ack('leave_meeting', { meetingId: emptied });
    await hostSocket.ack('leave_meeting', { meetingId: kept });
    await sleep(EMPTY_MS / 3);
    await join(bobSocket, kept);

    const inactive = await bobSocket.waitFor(
      'meeting_invitation',
      (p) => p.meeting.id === emptied && p.status === 'inactive',
      EMPTY_MS + 5000,
    );
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(EMPTY_MS - 100);
    expect(inactive.meeting.status).toBe('ended');
    expect(await meetingRow(emptied)).toMatchObject({ status: 'ended', end_reason: 'empty' });
    expect(await hostSocket.ack('join_meeting', { meetingId: emptied })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    await sleep(EMPTY_MS);
    expect((await meetingRow(kept)).status).toBe('active');
    expect(bobSocket.all('meeting_ended', forMeeting(kept))).toEqual([]);
    await bobSocket.ack('leave_meeting', { meetingId: kept });
    await bobSocket.waitFor(
      'meeting_invitation',
      (p) => p.meeting.id === kept && p.status === 'inactive',
      EMPTY_MS + 5000,
    );
  });
});

describe('an instance dies', () => {
  it('finishes its timers and removes its peers from the other instance', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const carolSocket = await connectSocket(cluster.b.url, carol.token);
    const withBob = await start(hostSocket, [bob.user.id]);
    const emptied = await start(hostSocket, [carol.user.id]);
    const hostPeer = (await join(hostSocket, withBob)).selfPeerId;
    await join(bobSocket, withBob);
    await join(hostSocket, emptied);
    // Instance A sets the empty deadline, then dies before it is due.
    await hostSocket.ack('leave_meeting', { meetingId: emptied });
    await cluster.a.kill();

    const inactive = await carolSocket.waitFor(
      'meeting_invitation',
      (p) => p.meeting.id === emptied && p.status === 'inactive',
      10_000,
    );
    expect(inactive.meeting.status).toBe('ended');
    expect(await meetingRow(emptied)).toMatchObject({ status: 'ended', end_reason: 'empty' });

    // The host's peer lived on the dead instance: instance B removes it...
    expect(await bobSocket.waitFor('meeting_user_left', leftEvent(withBob, hostPeer), 10_000)).toEqual({
      meetingId: withBob,
      peerId: hostPeer,
      userId: host.user.id,
      reason: 'disconnected',
    });
    // ...and the host grace then passes the role to bob.
    expect(await bobSocket.waitFor('meeting_host_changed', forMeeting(withBob), GRACE_MS + 5000)).toEqual({
      meetingId: withBob,
      hostId: bob.user.id,
    });
    expect((await expectOk(bobSocket, 'get_room_info', { meetingId: withBob })).participants).toHaveLength(1);
  });
});
