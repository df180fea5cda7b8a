import type { Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './_http.js';
import { forMeeting, registerUser, startCluster, type Cluster, type TestUser } from './meetingsHarness.js';
import { closeAllSockets, connectSocket, type TestSocket, expectOk as ok } from './testSocket.js';

/**
 * The meeting room features of docs/protocol.md ("Meeting room features") over two server instances
 * (separate processes, one PostgreSQL, one Redis): the meeting's conversation and its chat,
 * hands in order across instances and through a reconnect, reactions and their rate limit,
 * the host's moderation (`forbidden` for anyone else), removal refused on rejoin until invited
 * again, and the lobby of a locked meeting answered on admit, on refusal and after LOBBY_WAIT_MS
 * (short here; 60 s by default).
 */
const LOBBY_WAIT_MS = 1500;
let cluster: Cluster;
let host: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
let erin: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  cluster = await startCluster('meetroom', [3451, 3452], {
    LOBBY_WAIT_MS: String(LOBBY_WAIT_MS),
    REACTION_RATE_LIMIT: '3',
  });
  [host, bob, carol, dave, erin, outsider] = await Promise.all([
    registerUser(cluster.a.url, 'host'),
    registerUser(cluster.b.url, 'bob'),
    registerUser(cluster.a.url, 'carol'),
    registerUser(cluster.b.url, 'dave'),
    registerUser(cluster.a.url, 'erin'),
    registerUser(cluster.b.url, 'out'),
  ]);
});

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
});

async function refused(socket: TestSocket, event: string, payload: unknown, code: string): Promise<void> {
  const ack = await socket.ackRaw(event, payload);
  expect(ack, `${event} should be refused with ${code}`).toMatchObject({ ok: false, error: { code } });
}

/** A link meeting hosted on instance A with bob (B) and carol (A) in it. */
async function meetingOfThree() {
  const hostSocket = await connectSocket(cluster.a.url, host.token);
  const bobSocket = await connectSocket(cluster.b.url, bob.token);
  const carolSocket = await connectSocket(cluster.a.url, carol.token);
  const { meeting } = await ok(hostSocket, 'start_meeting', { title: 'Room', access: 'link' });
  const hostJoin = await ok(hostSocket, 'join_meeting', { meetingId: meeting.id });
  const bobJoin = await ok(bobSocket, 'join_meeting', { meetingId: meeting.id });
  const carolJoin = await ok(carolSocket, 'join_meeting', { meetingId: meeting.id });
  return { meeting, hostSocket, bobSocket, carolSocket, hostJoin, bobJoin, carolJoin };
}

describe('meeting conversation', () => {
  it('gives every meeting a conversation whose chat a late joiner reads, and that stays after the meeting', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket, hostJoin } = await meetingOfThree();
    expect(typeof meeting.conversationId).toBe('string');
    expect(hostJoin.meeting.conversationId).toBe(meeting.conversationId);
    expect(hostJoin.room).toEqual({ locked: false, hands: [], lobby: [] });

    const sent = await ok(bobSocket, 'message', {
      conversationId: meeting.conversationId!,
      clientId: 'room-chat-1',
      text: 'hello room',
    });
    for (const socket of [hostSocket, carolSocket]) {
      const { message } = await socket.waitFor('message', (p) => p.message?.id === sent.message.id);
      expect(message).toMatchObject({
        conversationId: meeting.conversationId!,
        senderId: bob.user.id,
        text: 'hello room',
      });
    }

    // A late joiner (on the other instance) reads what was said.
    const daveSocket = await connectSocket(cluster.b.url, dave.token);
    expect(
      (await request(`${cluster.b.url}/api/conversations/${meeting.conversationId}/messages`, { token: dave.token }))
        .status,
    ).toBe(404);
    await ok(daveSocket, 'join_meeting', { meetingId: meeting.id });
    const history = await request<{ messages: Message[] }>(
      `${cluster.b.url}/api/conversations/${meeting.conversationId}/messages`,
      {
        token: dave.token,
      },
    );
    expect(history.status, history.text).toBe(200);
    expect(history.body.messages.map((m) => m.text)).toEqual(['hello room']);
    // ... and gets the next messages live.
    const next = await ok(hostSocket, 'message', {
      conversationId: meeting.conversationId!,
      clientId: 'c2',
      text: 'hi',
    });
    await daveSocket.waitFor('message', (p) => p.message?.id === next.message.id);

    await ok(hostSocket, 'stop_meeting', { meetingId: meeting.id });
    const list = await request<{ conversations: Conversation[] }>(`${cluster.a.url}/api/conversations`, {
      token: carol.token,
    });
    expect(list.body.conversations.map((c) => c.id)).toContain(meeting.conversationId);
    // Someone who never joined cannot read it.
    const denied = await request(`${cluster.a.url}/api/conversations/${meeting.conversationId}/messages`, {
      token: outsider.token,
    });
    expect(denied.status).toBe(404);
  });
});

describe('hands and reactions', () => {
  it('queues hands in raising order across instances and through a reconnect; the host lowers any', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket, bobJoin, carolJoin } = await meetingOfThree();
    const m = meeting.id;

    expect(await ok(bobSocket, 'raise_hand', { meetingId: m, raised: true })).toEqual({ ok: true, order: 1 });
    expect(await ok(carolSocket, 'raise_hand', { meetingId: m, raised: true })).toEqual({ ok: true, order: 2 });
    // Raising again keeps the place.
    expect(await ok(bobSocket, 'raise_hand', { meetingId: m, raised: true })).toEqual({ ok: true, order: 1 });
    expect(await hostSocket.waitFor('hand_raised', (p) => p.userId === bob.user.id)).toEqual({
      meetingId: m,
      peerId: bobJoin.selfPeerId,
      userId: bob.user.id,
      raised: true,
      order: 1,
    });
    expect(await bobSocket.waitFor('hand_raised', (p) => p.userId === carol.user.id)).toEqual({
      meetingId: m,
      peerId: carolJoin.selfPeerId,
      userId: carol.user.id,
      raised: true,
      order: 2,
    });

    // Bob reloads (new socket, other instance this time): his hand keeps its place.
    bobSocket.close();
    await hostSocket.waitFor('meeting_user_left', (p) => p.peerId === bobJoin.selfPeerId);
    const bobAgain = await connectSocket(cluster.a.url, bob.token);
    const rejoined = await ok(bobAgain, 'join_meeting', { meetingId: m });
    expect(rejoined.room?.hands).toEqual([
      { userId: bob.user.id, peerId: rejoined.selfPeerId, order: 1 },
      { userId: carol.user.id, peerId: carolJoin.selfPeerId, order: 2 },
    ]);
    expect(rejoined.room).not.toHaveProperty('lobby');

    // Only the host lowers someone else's hand.
    await refused(carolSocket, 'lower_hand', { meetingId: m, peerId: rejoined.selfPeerId }, 'forbidden');
    await ok(hostSocket, 'lower_hand', { meetingId: m, peerId: rejoined.selfPeerId });
    expect(await carolSocket.waitFor('hand_raised', (p) => p.userId === bob.user.id && !p.raised)).toEqual({
      meetingId: m,
      peerId: rejoined.selfPeerId,
      userId: bob.user.id,
      raised: false,
      byHost: true,
    });
    // Carol is first now; she lowers her own.
    const hostJoinAgain = await ok(hostSocket, 'join_meeting', { meetingId: m });
    expect(hostJoinAgain.room?.hands).toEqual([{ userId: carol.user.id, peerId: carolJoin.selfPeerId, order: 1 }]);
    await ok(carolSocket, 'raise_hand', { meetingId: m, raised: false });
    await bobAgain.waitFor('hand_raised', (p) => p.userId === carol.user.id && p.raised === false);

    // Not in the meeting: forbidden; malformed: bad_request.
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    await refused(outsiderSocket, 'raise_hand', { meetingId: m, raised: true }, 'forbidden');
    await refused(carolSocket, 'raise_hand', { meetingId: m, raised: 'yes' }, 'bad_request');
    await refused(carolSocket, 'raise_hand', { meetingId: m }, 'bad_request');
    await ok(hostSocket, 'stop_meeting', { meetingId: m });
  });

  it('shows reactions of the fixed set to everyone, rate-limited', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket, bobJoin } = await meetingOfThree();
    const m = meeting.id;
    await ok(bobSocket, 'reaction', { meetingId: m, emoji: '👏' });
    for (const socket of [hostSocket, carolSocket, bobSocket]) {
      expect(await socket.waitFor('reaction', forMeeting(m))).toEqual({
        meetingId: m,
        peerId: bobJoin.selfPeerId,
        emoji: '👏',
      });
    }
    await refused(bobSocket, 'reaction', { meetingId: m, emoji: '💩' }, 'bad_request');
    await refused(bobSocket, 'reaction', { meetingId: m, emoji: 'x'.repeat(10_000) }, 'bad_request');
    await ok(bobSocket, 'reaction', { meetingId: m, emoji: '🎉' });
    await ok(bobSocket, 'reaction', { meetingId: m, emoji: '🎉' });
    // REACTION_RATE_LIMIT=3 per 10 s, shared by the instances.
    await refused(bobSocket, 'reaction', { meetingId: m, emoji: '🎉' }, 'rate_limited');
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    await refused(outsiderSocket, 'reaction', { meetingId: m, emoji: '👍' }, 'forbidden');
    await ok(hostSocket, 'stop_meeting', { meetingId: m });
  });
});

describe('moderation by the host', () => {
  it('refuses every host action to anyone else', async () => {
    const { meeting, hostSocket, carolSocket, hostJoin } = await meetingOfThree();
    const m = meeting.id;
    const target = hostJoin.selfPeerId;
    await refused(carolSocket, 'mute_participant', { meetingId: m, peerId: target, kind: 'audio' }, 'forbidden');
    await refused(carolSocket, 'mute_everyone', { meetingId: m }, 'forbidden');
    await refused(carolSocket, 'remove_participant', { meetingId: m, peerId: target }, 'forbidden');
    await refused(carolSocket, 'set_meeting_lock', { meetingId: m, locked: true }, 'forbidden');
    await refused(carolSocket, 'admit', { meetingId: m, requestId: 'r', allow: true }, 'forbidden');
    await refused(carolSocket, 'invite_participants', { meetingId: m, userIds: [outsider.user.id] }, 'forbidden');
    // Malformed payloads.
    await refused(hostSocket, 'mute_participant', { meetingId: m, peerId: target, kind: 'screen' }, 'bad_request');
    await refused(hostSocket, 'set_meeting_lock', { meetingId: m }, 'bad_request');
    await refused(hostSocket, 'admit', { meetingId: m, requestId: 'r' }, 'bad_request');
    await refused(hostSocket, 'remove_participant', null, 'bad_request');
    // The host cannot remove itself.
    await refused(hostSocket, 'remove_participant', { meetingId: m, peerId: target }, 'bad_request');
    await ok(hostSocket, 'stop_meeting', { meetingId: m });
  });

  it('mutes a participant or everyone; refuses peers of another meeting', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket, bobJoin, carolJoin } = await meetingOfThree();
    const m = meeting.id;
    await ok(hostSocket, 'mute_participant', { meetingId: m, peerId: bobJoin.selfPeerId, kind: 'audio' });
    expect(await bobSocket.waitFor('muted_by_host')).toEqual({ meetingId: m, kind: 'audio' });
    expect(await carolSocket.waitFor('participant_muted')).toEqual({
      meetingId: m,
      peerId: bobJoin.selfPeerId,
      kind: 'audio',
    });
    expect(carolSocket.all('muted_by_host')).toEqual([]);
    await ok(hostSocket, 'mute_participant', { meetingId: m, peerId: carolJoin.selfPeerId, kind: 'video' });
    expect(await carolSocket.waitFor('muted_by_host')).toEqual({ meetingId: m, kind: 'video' });

    expect(await ok(hostSocket, 'mute_everyone', { meetingId: m })).toEqual({ ok: true, muted: 2 });
    await carolSocket.waitFor('muted_by_host', (p) => p.kind === 'audio');
    expect(hostSocket.all('muted_by_host')).toEqual([]);

    // The peer id of another meeting's participant is not in this one.
    const other = await ok(hostSocket, 'start_meeting', { title: 'Other', access: 'link' });
    const daveSocket = await connectSocket(cluster.b.url, dave.token);
    const daveJoin = await ok(daveSocket, 'join_meeting', { meetingId: other.meeting.id });
    await refused(
      hostSocket,
      'mute_participant',
      { meetingId: m, peerId: daveJoin.selfPeerId, kind: 'audio' },
      'not_found',
    );
    await refused(hostSocket, 'remove_participant', { meetingId: m, peerId: daveJoin.selfPeerId }, 'not_found');
    expect(daveSocket.all('muted_by_host')).toEqual([]);
    // Nor can a host act on a meeting it does not host.
    await refused(
      daveSocket,
      'mute_participant',
      { meetingId: m, peerId: bobJoin.selfPeerId, kind: 'audio' },
      'forbidden',
    );
    await ok(hostSocket, 'stop_meeting', { meetingId: other.meeting.id });
    await ok(hostSocket, 'stop_meeting', { meetingId: m });
  });

  it('removes a participant, who cannot join again until invited again', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket, bobJoin } = await meetingOfThree();
    const m = meeting.id;
    await ok(bobSocket, 'raise_hand', { meetingId: m, raised: true });
    await ok(hostSocket, 'remove_participant', { meetingId: m, peerId: bobJoin.selfPeerId });
    const expected = { meetingId: m, peerId: bobJoin.selfPeerId, userId: bob.user.id, reason: 'removed', byHost: true };
    expect(await bobSocket.waitFor('meeting_user_left', forMeeting(m))).toEqual(expected);
    expect(await carolSocket.waitFor('meeting_user_left', (p) => p.peerId === bobJoin.selfPeerId)).toEqual(expected);
    // Out of the room: no more meeting events reach him, and he cannot act in it.
    await refused(bobSocket, 'raise_hand', { meetingId: m, raised: true }, 'forbidden');
    await ok(carolSocket, 'reaction', { meetingId: m, emoji: '👍' });
    await hostSocket.waitFor('reaction', (p) => p.emoji === '👍');
    expect(bobSocket.all('reaction')).toEqual([]);

    // Refused on rejoin, from any instance, for a link meeting too.
    await refused(bobSocket, 'join_meeting', { meetingId: m }, 'forbidden');
    const bobElsewhere = await connectSocket(cluster.a.url, bob.token);
    await refused(bobElsewhere, 'join_meeting', { meetingId: m }, 'forbidden');
    const info = await ok(hostSocket, 'get_room_info', { meetingId: m });
    expect(info.participants.map((p) => p.user.id)).not.toContain(bob.user.id);
    // His hand is gone with him.
    const carolRejoin = await ok(carolSocket, 'join_meeting', { meetingId: m });
    expect(carolRejoin.room?.hands).toEqual([]);

    // Invited again: the invitation arrives and the join works.
    await ok(hostSocket, 'invite_participants', { meetingId: m, userIds: [bob.user.id] });
    await bobElsewhere.waitFor('meeting_invitation', (p) => p.meeting?.id === m && p.status === 'active');
    await ok(bobElsewhere, 'join_meeting', { meetingId: m });
    await ok(hostSocket, 'stop_meeting', { meetingId: m });
  });
});

describe('lock and lobby', () => {
  it('holds joins of a locked meeting in the lobby until admitted, refused or timed out', async () => {
    const { meeting, hostSocket, bobSocket, carolSocket } = await meetingOfThree();
    const m = meeting.id;
    await ok(hostSocket, 'set_meeting_lock', { meetingId: m, locked: true });
    expect(await bobSocket.waitFor('meeting_lock')).toEqual({ meetingId: m, locked: true });

    // Admitted: dave (instance B) waits; the host (instance A) admits.
    const daveSocket = await connectSocket(cluster.b.url, dave.token);
    const daveJoin = daveSocket.ack('join_meeting', { meetingId: m }, 10_000);
    const daveWait = await daveSocket.waitFor('meeting_lobby', forMeeting(m));
    const request1 = await hostSocket.waitFor('lobby_request', (p) => p.user?.id === dave.user.id);
    expect(request1).toEqual({ meetingId: m, requestId: daveWait.requestId, user: dave.user });
    expect(carolSocket.all('lobby_request')).toEqual([]);
    await refused(carolSocket, 'admit', { meetingId: m, requestId: request1.requestId, allow: true }, 'forbidden');
    await ok(hostSocket, 'admit', { meetingId: m, requestId: request1.requestId, allow: true });
    const admitted = await daveJoin;
    expect(admitted).toMatchObject({ ok: true, meeting: { id: m }, room: { locked: true } });
    await carolSocket.waitFor('meeting_user_joined', (p) => p.user?.id === dave.user.id);
    // Answered once only.
    await refused(hostSocket, 'admit', { meetingId: m, requestId: request1.requestId, allow: true }, 'not_found');
    // Admitted once: a reload does not wait again.
    daveSocket.close();
    const daveAgain = await connectSocket(cluster.a.url, dave.token);
    await ok(daveAgain, 'join_meeting', { meetingId: m });

    // Refused: erin (instance A) waits, the host refuses.
    const erinSocket = await connectSocket(cluster.b.url, erin.token);
    const erinJoin = erinSocket.ack('join_meeting', { meetingId: m }, 10_000);
    const request2 = await hostSocket.waitFor('lobby_request', (p) => p.user?.id === erin.user.id);
    await ok(hostSocket, 'admit', { meetingId: m, requestId: request2.requestId, allow: false });
    expect(await erinJoin).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    // Unanswered: refused after LOBBY_WAIT_MS, and the host's request is withdrawn.
    const outsiderSocket = await connectSocket(cluster.b.url, outsider.token);
    const outsiderJoin = outsiderSocket.ack('join_meeting', { meetingId: m }, 10_000);
    const request3 = await hostSocket.waitFor('lobby_request', (p) => p.user?.id === outsider.user.id);
    expect(await outsiderJoin).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await hostSocket.waitFor('lobby_cancelled', (p) => p.requestId === request3.requestId)).toEqual({
      meetingId: m,
      requestId: request3.requestId,
      reason: 'timeout',
    });
    await refused(hostSocket, 'admit', { meetingId: m, requestId: request3.requestId, allow: true }, 'not_found');

    // A host who reloads gets the requests still waiting; unlocking admits them.
    const erinJoin2 = erinSocket.ack('join_meeting', { meetingId: m }, 10_000);
    await hostSocket.waitFor('lobby_request', (p) => p.user?.id === erin.user.id && p.requestId !== request2.requestId);
    const hostAgain = await connectSocket(cluster.b.url, host.token);
    const hostRejoin = await ok(hostAgain, 'join_meeting', { meetingId: m });
    expect(hostRejoin.room?.lobby?.map((r) => r.user.id)).toEqual([erin.user.id]);
    await hostAgain.waitFor('lobby_request', (p) => p.user?.id === erin.user.id);
    await ok(hostAgain, 'set_meeting_lock', { meetingId: m, locked: false });
    expect(await erinJoin2).toMatchObject({ ok: true, room: { locked: false } });
    await ok(hostAgain, 'stop_meeting', { meetingId: m });
  });
});
