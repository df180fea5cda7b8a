import { ServerEvents, type Meeting, type User } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { meetingRoom } from '../../src/meetings/MeetingNotifier.js';
import type { PeerLeftEvent } from '../../src/meetings/RoomEvents.js';
import { rejection } from '../chat/chatFixture.js';
import { openMeetings, testSocket, type MeetingFixture } from './meetingFixture.js';

describe('RoomService on MemoryRoomStore', () => {
  let fx: MeetingFixture;
  let host: User;
  let ann: User;
  let ben: User;
  const peerLeft: PeerLeftEvent[] = [];

  beforeAll(async () => {
    fx = await openMeetings();
    [host, ann, ben] = [await fx.addUser('host'), await fx.addUser('ann'), await fx.addUser('ben')];
    fx.services.events.on('peerLeft', (event) => peerLeft.push(event));
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    fx.io.clear();
    peerLeft.length = 0;
  });

  const start = (): Promise<Meeting> => fx.services.meetings.start(host, { inviteeIds: [ann.id, ben.id] });

  it('joins: the socket enters the room, the others hear of it, the joiner gets the others', async () => {
    const meeting = await start();
    const hostSocket = testSocket();
    const first = await fx.services.rooms.join(hostSocket, host, meeting.id);
    expect(first).toMatchObject({ mode: 'mesh', participants: [] });
    expect(hostSocket.rooms).toEqual(new Set([meetingRoom(meeting.id)]));

    const annSocket = testSocket();
    const second = await fx.services.rooms.join(annSocket, ann, meeting.id);
    expect(second.participants).toEqual([{ peerId: first.selfPeerId, user: host }]);
    expect(fx.io.of(ServerEvents.meetingUserJoined)).toEqual([
      {
        to: [meetingRoom(meeting.id)],
        except: [hostSocket.id],
        event: ServerEvents.meetingUserJoined,
        payload: { meetingId: meeting.id, peerId: first.selfPeerId, user: host },
      },
      {
        to: [meetingRoom(meeting.id)],
        except: [annSocket.id],
        event: ServerEvents.meetingUserJoined,
        payload: { meetingId: meeting.id, peerId: second.selfPeerId, user: ann },
      },
    ]);
  });

  it('a second join of the same user replaces the first peer: removed for everyone, its socket out of the room', async () => {
    const meeting = await start();
    const tab1 = testSocket();
    const old = await fx.services.rooms.join(tab1, ann, meeting.id);
    fx.io.clear();
    const tab2 = testSocket();
    const fresh = await fx.services.rooms.join(tab2, ann, meeting.id);
    expect(fresh.selfPeerId).not.toBe(old.selfPeerId);
    expect(fx.toRoom(meeting.id, ServerEvents.meetingUserLeft)).toEqual([
      { meetingId: meeting.id, peerId: old.selfPeerId, userId: ann.id, reason: 'removed' },
    ]);
    expect(fx.io.leaves).toEqual([{ from: [tab1.id], leave: [meetingRoom(meeting.id)] }]);
    expect(peerLeft).toMatchObject([{ peerId: old.selfPeerId, reason: 'replaced', socketId: tab1.id }]);
    expect((await fx.services.store.listPeers(meeting.id)).map((peer) => peer.peerId)).toEqual([fresh.selfPeerId]);
  });

  it('leave and rejoin; a host who leaves hands the role to the longest-present participant at once', async () => {
    const meeting = await start();
    const hostSocket = testSocket();
    await fx.services.rooms.join(hostSocket, host, meeting.id);
    const annSocket = testSocket();
    const annPeer = await fx.services.rooms.join(annSocket, ann, meeting.id);
    await fx.services.rooms.join(testSocket(), ben, meeting.id);

    await fx.services.rooms.leave(annSocket, meeting.id);
    expect(annSocket.rooms.size).toBe(0);
    expect(fx.toRoom(meeting.id, ServerEvents.meetingUserLeft)).toEqual([
      { meetingId: meeting.id, peerId: annPeer.selfPeerId, userId: ann.id, reason: 'left' },
    ]);
    await fx.services.rooms.leave(annSocket, meeting.id); // not in the meeting any more: a no-op
    expect(fx.toRoom(meeting.id, ServerEvents.meetingUserLeft)).toHaveLength(1);
    const back = await fx.services.rooms.join(annSocket, ann, meeting.id);
    expect(back.participants.map((p) => p.user.id)).toEqual([host.id, ben.id]);

    await fx.services.rooms.leave(hostSocket, meeting.id);
    // ben joined before ann came back: ben is the longest present.
    expect(fx.toRoom(meeting.id, ServerEvents.meetingHostChanged)).toEqual([{ meetingId: meeting.id, hostId: ben.id }]);
    expect((await fx.services.meetings.requireJoinable(ben.id, meeting.id)).meeting.hostId).toBe(ben.id);
  });

  it('a host who disconnects keeps the role (grace); the peer leaves as disconnected', async () => {
    const meeting = await start();
    const hostSocket = testSocket();
    const hostPeer = await fx.services.rooms.join(hostSocket, host, meeting.id);
    await fx.services.rooms.join(testSocket(), ann, meeting.id);
    await fx.services.rooms.disconnect(hostSocket.id);
    expect(fx.toRoom(meeting.id, ServerEvents.meetingUserLeft)).toEqual([
      { meetingId: meeting.id, peerId: hostPeer.selfPeerId, userId: host.id, reason: 'disconnected' },
    ]);
    expect(fx.io.of(ServerEvents.meetingHostChanged)).toEqual([]);
    expect(await fx.services.store.getMeta(meeting.id)).toMatchObject({ hostId: host.id });
  });

  it('a socket that disconnects while joining leaves again, and the join fails', async () => {
    const meeting = await start();
    const socket = testSocket();
    socket.join = (room: string) => {
      socket.rooms.add(room);
      socket.connected = false;
    };
    expect(await rejection(fx.services.rooms.join(socket, ann, meeting.id))).toMatchObject({ code: 'conflict' });
    expect(await fx.services.store.listPeers(meeting.id)).toEqual([]);
  });

  it('refuses joining an ended meeting', async () => {
    const meeting = await start();
    await fx.services.meetings.stop(host, meeting.id);
    expect(await rejection(fx.services.rooms.join(testSocket(), ann, meeting.id))).toMatchObject({
      code: 'conflict',
      field: 'meetingId',
    });
  });

  it('relays a signal only between peers of the meeting, to the target socket', async () => {
    const meeting = await start();
    const annSocket = testSocket();
    const benSocket = testSocket();
    const annPeer = await fx.services.rooms.join(annSocket, ann, meeting.id);
    const benPeer = await fx.services.rooms.join(benSocket, ben, meeting.id);
    const signal = { description: { type: 'offer', sdp: 'v=0' } } as const;
    await fx.services.rooms.relaySignal(annSocket, { meetingId: meeting.id, to: benPeer.selfPeerId, signal });
    expect(fx.io.of(ServerEvents.videoSignal)).toEqual([
      {
        to: [benSocket.id],
        except: [],
        event: ServerEvents.videoSignal,
        payload: { meetingId: meeting.id, from: annPeer.selfPeerId, signal },
      },
    ]);
    const relay = (from = annSocket, to = benPeer.selfPeerId) =>
      rejection(fx.services.rooms.relaySignal(from, { meetingId: meeting.id, to, signal }));
    expect(await relay(testSocket())).toMatchObject({ code: 'forbidden' });
    expect(await relay(annSocket, annPeer.selfPeerId)).toMatchObject({ code: 'bad_request', field: 'to' });
    expect(await relay(annSocket, '00000000-0000-4000-8000-000000000000')).toMatchObject({
      code: 'not_found',
      field: 'to',
    });
  });

  it('expel: everyone hears byHost, the removed socket leaves the room, a second expel finds nobody', async () => {
    const meeting = await start();
    const benSocket = testSocket();
    const benPeer = await fx.services.rooms.join(benSocket, ben, meeting.id);
    fx.io.clear();
    expect(await fx.services.rooms.expel(meeting.id, benPeer.selfPeerId)).toMatchObject({ userId: ben.id });
    expect(fx.toRoom(meeting.id, ServerEvents.meetingUserLeft)).toEqual([
      { meetingId: meeting.id, peerId: benPeer.selfPeerId, userId: ben.id, reason: 'removed', byHost: true },
    ]);
    expect(fx.io.leaves).toEqual([{ from: [benSocket.id], leave: [meetingRoom(meeting.id)] }]);
    expect(await fx.services.rooms.expel(meeting.id, benPeer.selfPeerId)).toBeNull();
  });
});
