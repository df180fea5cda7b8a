import { createHmac } from 'node:crypto';
import type { ClientEventPayload, Conversation, ErrorBody, IceServer, Meeting } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './_http.js';
import {
  forMeeting,
  registerUser,
  sleep,
  startCluster,
  type Cluster,
  type TestUser,
  joinOk as join,
} from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, assertOk } from './testSocket.js';

/**
 * Meetings across two server instances (separate processes) on the real PostgreSQL and Redis:
 * lifecycle, catch-up, authorization and the video-signal relay. Timers (F5, host grace, empty
 * cleanup, a dying instance) are in meetingsTimers.test.ts, malformed payloads in
 * meetingsMalformed.test.ts.
 */
const TURN_SECRET = 'meetings-test-turn-secret';
let cluster: Cluster;
let host: TestUser;
let bob: TestUser;
let carol: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  cluster = await startCluster('meet', [3401, 3402], {
    TURN_SECRET,
    TURN_URLS: 'turn:127.0.0.1:3479?transport=udp,turn:127.0.0.1:3479?transport=tcp',
    STUN_URLS: 'stun:127.0.0.1:3479',
    TURN_TTL: '600',
  });
  [host, bob, carol, outsider] = await Promise.all([
    registerUser(cluster.a.url, 'host'),
    registerUser(cluster.b.url, 'bob'),
    registerUser(cluster.a.url, 'carol'),
    registerUser(cluster.b.url, 'out'),
  ]);
});

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
});

async function start(socket: TestSocket, payload: ClientEventPayload<'start_meeting'>): Promise<Meeting> {
  const ack = assertOk(await socket.ack('start_meeting', payload), 'start_meeting');
  return ack.meeting;
}

describe('meeting lifecycle across two instances', () => {
  it('starts, invites live, joins, relays presence in the room, leaves and stops', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const carolSocket = await connectSocket(cluster.b.url, carol.token);

    const meeting = await start(hostSocket, { title: 'Standup', inviteeIds: [bob.user.id] });
    expect(meeting).toMatchObject({
      title: 'Standup',
      hostId: host.user.id,
      access: 'invited',
      status: 'active',
      mode: 'mesh',
    });
    expect(typeof meeting.id).toBe('string');
    expect(Number.isNaN(Date.parse(meeting.createdAt))).toBe(false);
    expect(meeting).not.toHaveProperty('endedAt');

    // The invitee hears of it live, on the other instance; someone not invited does not.
    const invitation = await bobSocket.waitFor('meeting_invitation', forMeeting(meeting.id));
    expect(invitation).toEqual({ meeting, status: 'active' });
    await sleep(300);
    expect(carolSocket.all('meeting_invitation', forMeeting(meeting.id))).toEqual([]);

    const hostJoin = await join(hostSocket, meeting.id);
    expect(hostJoin.mode).toBe('mesh');
    expect(hostJoin.participants).toEqual([]);
    expect(hostJoin.meeting).toMatchObject({ id: meeting.id, status: 'active', hostId: host.user.id });
    expect(typeof hostJoin.selfPeerId).toBe('string');
    // ICE servers: STUN, and TURN with REST credentials for this user.
    const [stun, turn] = hostJoin.iceServers as [IceServer, IceServer];
    expect(stun).toEqual({ urls: ['stun:127.0.0.1:3479'] });
    expect(turn.urls).toEqual(['turn:127.0.0.1:3479?transport=udp', 'turn:127.0.0.1:3479?transport=tcp']);
    const [expiry, userId] = (turn.username ?? '').split(':');
    expect(userId).toBe(host.user.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(590);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThan(610);
    expect(turn.credential).toBe(
      createHmac('sha1', TURN_SECRET)
        .update(turn.username ?? '')
        .digest('base64'),
    );

    const bobJoin = await join(bobSocket, meeting.id);
    expect(bobJoin.participants).toEqual([{ peerId: hostJoin.selfPeerId, user: host.user }]);
    expect(bobJoin.selfPeerId).not.toBe(hostJoin.selfPeerId);
    const joined = await hostSocket.waitFor('meeting_user_joined', forMeeting(meeting.id));
    expect(joined).toEqual({ meetingId: meeting.id, peerId: bobJoin.selfPeerId, user: bob.user });
    // Nobody is told about their own join.
    expect(bobSocket.all('meeting_user_joined', forMeeting(meeting.id))).toEqual([]);

    // Room info: ack and event, with both participants.
    const info = assertOk(await bobSocket.ack('get_room_info', { meetingId: meeting.id }), 'get_room_info');
    expect(info.mode).toBe('mesh');
    expect(info.meeting.id).toBe(meeting.id);
    expect(info.participants.map((p) => p.peerId).sort()).toEqual([hostJoin.selfPeerId, bobJoin.selfPeerId].sort());
    const infoEvent = await bobSocket.waitFor('room_info_response', (p) => p.meeting?.id === meeting.id);
    expect(infoEvent).toEqual({ meeting: info.meeting, mode: info.mode, participants: info.participants });

    // Leave: the others are told, reason 'left'.
    expect(await bobSocket.ack('leave_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
    const left = await hostSocket.waitFor('meeting_user_left', forMeeting(meeting.id));
    expect(left).toEqual({ meetingId: meeting.id, peerId: bobJoin.selfPeerId, userId: bob.user.id, reason: 'left' });
    // Leaving twice is harmless.
    expect(await bobSocket.ack('leave_meeting', { meetingId: meeting.id })).toEqual({ ok: true });

    // Back in, then the host stops it: everyone in the room gets meeting_ended, the invited get
    // the inactive invitation.
    const bobAgain = await join(bobSocket, meeting.id);
    expect(bobAgain.participants).toEqual([{ peerId: hostJoin.selfPeerId, user: host.user }]);
    expect(await hostSocket.ack('stop_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
    for (const socket of [hostSocket, bobSocket]) {
      expect(await socket.waitFor('meeting_ended', forMeeting(meeting.id))).toEqual({
        meetingId: meeting.id,
        reason: 'stopped',
      });
    }
    const inactive = await bobSocket.waitFor(
      'meeting_invitation',
      (p) => p.meeting.id === meeting.id && p.status === 'inactive',
    );
    expect(inactive.meeting).toMatchObject({ id: meeting.id, status: 'ended' });
    expect(Number.isNaN(Date.parse(inactive.meeting.endedAt ?? ''))).toBe(false);

    // Over: no one joins any more, it is not listed, and stopping again is a no-op.
    const late = await bobSocket.ack('join_meeting', { meetingId: meeting.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const active = await request<{ meetings: Meeting[] }>(`${cluster.b.url}/api/meetings/active`, { token: bob.token });
    expect(active.body.meetings.map((m) => m.id)).not.toContain(meeting.id);
    expect(await hostSocket.ack('stop_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
    const ended = await hostSocket.ack('get_room_info', { meetingId: meeting.id });
    expect(ended).toMatchObject({ ok: true, meeting: { status: 'ended' }, participants: [] });
  });

  it('starts over HTTP from a conversation, inviting its members; non-members cannot', async () => {
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const carolSocket = await connectSocket(cluster.a.url, carol.token);
    const conversation = await request<{ conversation: Conversation }>(`${cluster.a.url}/api/conversations`, {
      token: host.token,
      json: { title: 'Team', memberIds: [bob.user.id, carol.user.id] },
    });
    expect(conversation.status, conversation.text).toBe(201);
    const conversationId = conversation.body.conversation.id;

    const created = await request<{ meeting: Meeting }>(`${cluster.b.url}/api/meetings`, {
      token: host.token,
      json: { conversationId, access: 'invited' },
    });
    expect(created.status, created.text).toBe(201);
    const meeting = created.body.meeting;
    expect(meeting).toMatchObject({ conversationId, hostId: host.user.id, status: 'active', mode: 'mesh' });
    expect(meeting.title).toContain(host.user.displayName);
    for (const socket of [bobSocket, carolSocket]) {
      expect(await socket.waitFor('meeting_invitation', forMeeting(meeting.id))).toEqual({ meeting, status: 'active' });
    }
    const carolActive = await request<{ meetings: Meeting[] }>(`${cluster.a.url}/api/meetings/active`, {
      token: carol.token,
    });
    expect(carolActive.status).toBe(200);
    expect(carolActive.body.meetings).toContainEqual(meeting);

    // An outsider cannot start a meeting from someone else's conversation.
    const denied = await request(`${cluster.a.url}/api/meetings`, { token: outsider.token, json: { conversationId } });
    expect([403, 404]).toContain(denied.status);
    // Validation and authentication.
    const bad = await request<ErrorBody>(`${cluster.a.url}/api/meetings`, {
      token: host.token,
      json: { access: 'public' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'bad_request', field: 'access' });
    const unknownInvitee = await request<ErrorBody>(`${cluster.a.url}/api/meetings`, {
      token: host.token,
      json: { inviteeIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(unknownInvitee.status).toBe(400);
    expect(unknownInvitee.body.error.field).toBe('inviteeIds');
    expect((await request(`${cluster.a.url}/api/meetings`, { json: {} })).status).toBe(401);
    expect((await request(`${cluster.a.url}/api/meetings/active`)).status).toBe(401);

    const hostSocket = await connectSocket(cluster.a.url, host.token);
    expect(await hostSocket.ack('stop_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
  });

  it('re-sends invitations of ongoing meetings on every connect (catch-up), not of ended ones', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const live = await start(hostSocket, { title: 'Ongoing', inviteeIds: [bob.user.id] });
    const over = await start(hostSocket, { title: 'Over', inviteeIds: [bob.user.id] });
    expect(await hostSocket.ack('stop_meeting', { meetingId: over.id })).toEqual({ ok: true });

    for (const url of [cluster.a.url, cluster.b.url]) {
      const fresh = await connectSocket(url, bob.token);
      const caughtUp = await fresh.waitFor('meeting_invitation', forMeeting(live.id));
      expect(caughtUp).toEqual({ meeting: live, status: 'active' });
      await sleep(200);
      expect(fresh.all('meeting_invitation', forMeeting(over.id))).toEqual([]);
      fresh.close();
    }
    // The host may join its own meeting too, so it is caught up as well; an outsider is not.
    const hostFresh = await connectSocket(cluster.b.url, host.token);
    await hostFresh.waitFor('meeting_invitation', forMeeting(live.id));
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    await sleep(300);
    expect(outsiderSocket.all('meeting_invitation')).toEqual([]);

    const active = await request<{ meetings: Meeting[] }>(`${cluster.b.url}/api/meetings/active`, { token: bob.token });
    const ids = active.body.meetings.map((m) => m.id);
    expect(ids).toContain(live.id);
    expect(ids).not.toContain(over.id);
    expect(await hostSocket.ack('stop_meeting', { meetingId: live.id })).toEqual({ ok: true });
  });
});

describe('meeting authorization', () => {
  it('keeps outsiders out of an invited-only meeting and guests from stopping it', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    const meeting = await start(hostSocket, { inviteeIds: [bob.user.id] });
    const hostJoin = await join(hostSocket, meeting.id);
    await join(bobSocket, meeting.id);

    for (const event of ['join_meeting', 'get_room_info', 'stop_meeting'] as const) {
      const ack = await outsiderSocket.ack(event, { meetingId: meeting.id });
      expect(ack, event).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const signal = await outsiderSocket.ack('video-signal', {
      meetingId: meeting.id,
      to: hostJoin.selfPeerId,
      signal: { description: { type: 'offer' as const, sdp: 'v=0' } },
    });
    expect(signal).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await sleep(200);
    expect(hostSocket.all('video-signal')).toEqual([]);

    // An invited guest may not stop it either.
    expect(await bobSocket.ack('stop_meeting', { meetingId: meeting.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    // Unknown meetings.
    for (const meetingId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect(await bobSocket.ack('join_meeting', { meetingId })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
    }
    // Still running and nobody was added.
    const info = assertOk(await hostSocket.ack('get_room_info', { meetingId: meeting.id }), 'get_room_info');
    expect(info.participants).toHaveLength(2);
    expect(await hostSocket.ack('stop_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
  });

  it('lets anyone logged in join a link meeting, who is then caught up on reconnect', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const meeting = await start(hostSocket, { access: 'link' });
    expect(meeting.access).toBe('link');
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    const joined = await join(outsiderSocket, meeting.id);
    expect(joined.participants).toEqual([]);
    const again = await connectSocket(cluster.a.url, outsider.token);
    await again.waitFor('meeting_invitation', forMeeting(meeting.id));
    // But a guest still cannot stop it.
    expect(await outsiderSocket.ack('stop_meeting', { meetingId: meeting.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await hostSocket.ack('stop_meeting', { meetingId: meeting.id })).toEqual({ ok: true });
    expect(await outsiderSocket.waitFor('meeting_ended', forMeeting(meeting.id))).toEqual({
      meetingId: meeting.id,
      reason: 'stopped',
    });
  });
});

describe('video-signal relay', () => {
  it('relays to exactly the addressed peer, across instances', async () => {
    const hostSocket = await connectSocket(cluster.a.url, host.token);
    const bobSocket = await connectSocket(cluster.b.url, bob.token);
    const carolSocket = await connectSocket(cluster.b.url, carol.token);
    const meeting = await start(hostSocket, { inviteeIds: [bob.user.id, carol.user.id] });
    const other = await start(hostSocket, { inviteeIds: [carol.user.id] });
    const hostPeer = (await join(hostSocket, meeting.id)).selfPeerId;
    const bobPeer = (await join(bobSocket, meeting.id)).selfPeerId;
    const carolPeer = (await join(carolSocket, meeting.id)).selfPeerId;
    const carolOther = (await join(carolSocket, other.id)).selfPeerId;

    const offer = { description: { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } };
    expect(await hostSocket.ack('video-signal', { meetingId: meeting.id, to: bobPeer, signal: offer })).toEqual({
      ok: true,
    });
    expect(await bobSocket.waitFor('video-signal')).toEqual({ meetingId: meeting.id, from: hostPeer, signal: offer });

    const candidate = {
      candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 },
    };
    expect(await bobSocket.ack('video-signal', { meetingId: meeting.id, to: hostPeer, signal: candidate })).toEqual({
      ok: true,
    });
    expect(await hostSocket.waitFor('video-signal')).toEqual({
      meetingId: meeting.id,
      from: bobPeer,
      signal: candidate,
    });
    const endOfCandidates = { candidate: null };
    expect(
      await carolSocket.ack('video-signal', { meetingId: meeting.id, to: bobPeer, signal: endOfCandidates }),
    ).toEqual({ ok: true });
    await bobSocket.waitFor('video-signal', (p) => p.from === carolPeer);

    await sleep(300);
    // Exactly one delivery each; carol (same instance as bob) got nothing addressed to others.
    expect(bobSocket.all('video-signal', (p) => p.from === hostPeer)).toHaveLength(1);
    expect(hostSocket.all('video-signal')).toHaveLength(1);
    expect(carolSocket.all('video-signal')).toEqual([]);

    // Only to a peer of the same meeting, and not to oneself.
    const crossMeeting = await hostSocket.ack('video-signal', { meetingId: meeting.id, to: carolOther, signal: offer });
    expect(crossMeeting).toMatchObject({ ok: false, error: { code: 'not_found', field: 'to' } });
    const intoOther = await bobSocket.ack('video-signal', { meetingId: other.id, to: carolOther, signal: offer });
    expect(intoOther).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const self = await bobSocket.ack('video-signal', { meetingId: meeting.id, to: bobPeer, signal: offer });
    expect(self).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // After leaving, no more signalling.
    await bobSocket.ack('leave_meeting', { meetingId: meeting.id });
    const afterLeave = await bobSocket.ack('video-signal', { meetingId: meeting.id, to: hostPeer, signal: offer });
    expect(afterLeave).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await sleep(200);
    expect(carolSocket.all('video-signal', (p) => p.meetingId === other.id)).toEqual([]);

    await hostSocket.ack('stop_meeting', { meetingId: meeting.id });
    await hostSocket.ack('stop_meeting', { meetingId: other.id });
  });
});
