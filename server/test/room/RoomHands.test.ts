import { ServerEvents, type Meeting, type User } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../chat/chatFixture.js';
import { testSocket, type TestSocket } from '../meetings/meetingFixture.js';
import { openRoom, type RoomFixture } from './roomFixture.js';

describe('RoomHands', () => {
  let fx: RoomFixture;
  let host: User;
  let ann: User;
  let ben: User;

  beforeAll(async () => {
    fx = await openRoom({ reactionRateLimit: 2 });
    [host, ann, ben] = [await fx.addUser('host'), await fx.addUser('ann'), await fx.addUser('ben')];
  });
  afterAll(() => fx.close());
  beforeEach(() => fx.io.clear());

  async function meeting(): Promise<{
    meeting: Meeting;
    sockets: Map<string, TestSocket>;
    peers: Map<string, string>;
  }> {
    const started = await fx.services.meetings.start(host, { inviteeIds: [ann.id, ben.id] });
    const sockets = new Map<string, TestSocket>();
    const peers = new Map<string, string>();
    for (const user of [host, ann, ben]) {
      const socket = testSocket();
      peers.set(user.id, (await fx.services.rooms.join(socket, user, started.id)).selfPeerId);
      sockets.set(user.id, socket);
    }
    fx.io.clear();
    return { meeting: started, sockets, peers };
  }
  const hands = (meetingId: string) => fx.toRoom(meetingId, ServerEvents.handRaised);

  it('queues raised hands in raising order and tells the room; lowering your own is announced once', async () => {
    const { meeting: m, sockets, peers } = await meeting();
    expect(await fx.room.hands.raise(sockets.get(ben.id)!.id, m.id, true)).toEqual({ order: 1 });
    expect(await fx.room.hands.raise(sockets.get(ann.id)!.id, m.id, true)).toEqual({ order: 2 });
    expect(await fx.room.hands.snapshot(m.id)).toEqual([
      { userId: ben.id, peerId: peers.get(ben.id), order: 1 },
      { userId: ann.id, peerId: peers.get(ann.id), order: 2 },
    ]);
    await fx.room.hands.raise(sockets.get(ben.id)!.id, m.id, false);
    await fx.room.hands.raise(sockets.get(ben.id)!.id, m.id, false);
    expect(hands(m.id)).toEqual([
      { meetingId: m.id, peerId: peers.get(ben.id), userId: ben.id, raised: true, order: 1 },
      { meetingId: m.id, peerId: peers.get(ann.id), userId: ann.id, raised: true, order: 2 },
      { meetingId: m.id, peerId: peers.get(ben.id), userId: ben.id, raised: false },
    ]);
    expect(await fx.room.hands.snapshot(m.id)).toEqual([{ userId: ann.id, peerId: peers.get(ann.id), order: 1 }]);
  });

  it('refuses a socket that is not in the meeting', async () => {
    const { meeting: m } = await meeting();
    expect(await rejection(fx.room.hands.raise(testSocket().id, m.id, true))).toMatchObject({ code: 'forbidden' });
  });

  it('lets only the host lower somebody else’s hand (byHost)', async () => {
    const { meeting: m, sockets, peers } = await meeting();
    await fx.room.hands.raise(sockets.get(ann.id)!.id, m.id, true);
    expect(await rejection(fx.room.hands.lowerByHost(ben, m.id, peers.get(ann.id)!))).toMatchObject({
      code: 'forbidden',
    });
    await fx.room.hands.lowerByHost(host, m.id, peers.get(ann.id)!);
    expect(hands(m.id).at(-1)).toEqual({
      meetingId: m.id,
      peerId: peers.get(ann.id),
      userId: ann.id,
      raised: false,
      byHost: true,
    });
  });

  it('a hand goes down when its participant leaves, and stays up through a disconnect (reload)', async () => {
    const { meeting: m, sockets } = await meeting();
    await fx.room.hands.raise(sockets.get(ann.id)!.id, m.id, true);
    await fx.room.hands.raise(sockets.get(ben.id)!.id, m.id, true);
    await fx.services.rooms.leave(sockets.get(ann.id)!, m.id);
    await fx.services.rooms.disconnect(sockets.get(ben.id)!.id);
    await new Promise((resolve) => setImmediate(resolve)); // lowerOnLeave runs off the leave event
    expect(await fx.room.hands.snapshot(m.id)).toEqual([{ userId: ben.id, peerId: null, order: 1 }]);
  });

  it('shows reactions to the room, at most REACTION_RATE_LIMIT per user', async () => {
    const { meeting: m, sockets, peers } = await meeting();
    const annSocket = sockets.get(ann.id)!.id;
    await fx.room.hands.react(annSocket, m.id, '👍');
    await fx.room.hands.react(annSocket, m.id, '🎉');
    expect(await rejection(fx.room.hands.react(annSocket, m.id, '👍'))).toMatchObject({ code: 'rate_limited' });
    expect(fx.toRoom(m.id, ServerEvents.reaction)).toEqual([
      { meetingId: m.id, peerId: peers.get(ann.id), emoji: '👍' },
      { meetingId: m.id, peerId: peers.get(ann.id), emoji: '🎉' },
    ]);
  });
});
