import { ServerEvents, type Meeting, type MuteKind, type User } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../chat/chatFixture.js';
import { openRoom, lobbySocket, type LobbyTestSocket, type RoomFixture } from './roomFixture.js';

describe('RoomModeration', () => {
  let fx: RoomFixture;
  let host: User;
  let ann: User;
  let ben: User;
  const muted: Array<[string, MuteKind]> = [];

  beforeAll(async () => {
    // More than 2 participants → SFU, so that both modes can be had.
    fx = await openRoom({ mode: { meshMaxParticipants: 2, meshReturnAt: 1, meshReturnHoldMs: 60_000 } });
    [host, ann, ben] = [await fx.addUser('host'), await fx.addUser('ann'), await fx.addUser('ben')];
    fx.room.moderation.mediaMuter = (_meetingId, peerId, kind) => {
      muted.push([peerId, kind]);
      return Promise.resolve();
    };
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    fx.io.clear();
    muted.length = 0;
  });

  async function meeting(users: User[]): Promise<{ meeting: Meeting; sockets: LobbyTestSocket[]; peers: string[] }> {
    const started = await fx.services.meetings.start(host, { inviteeIds: [ann.id, ben.id] });
    const sockets: LobbyTestSocket[] = [];
    const peers: string[] = [];
    for (const user of users) {
      const socket = lobbySocket();
      peers.push((await fx.services.rooms.join(socket, user, started.id)).selfPeerId);
      sockets.push(socket);
    }
    fx.io.clear();
    return { meeting: started, sockets, peers };
  }

  it('mesh: a mute goes to the target socket and the room, and the server stops no media', async () => {
    const { meeting: m, sockets, peers } = await meeting([host, ann]);
    await fx.room.moderation.mute(host, m.id, peers[1]!, 'video');
    expect(fx.io.of(ServerEvents.mutedByHost)).toMatchObject([
      { to: [sockets[1]!.id], payload: { meetingId: m.id, kind: 'video' } },
    ]);
    expect(fx.toRoom(m.id, ServerEvents.participantMuted)).toEqual([
      { meetingId: m.id, peerId: peers[1], kind: 'video' },
    ]);
    expect(muted).toEqual([]);
  });

  it('SFU: mute everyone stops the audio of all but the host on the server', async () => {
    const { meeting: m, peers } = await meeting([host, ann, ben]);
    expect(await fx.services.store.getMeta(m.id)).toMatchObject({ mode: 'sfu' });
    expect(await fx.room.moderation.muteEveryone(host, m.id)).toBe(2);
    expect(muted).toEqual([
      [peers[1], 'audio'],
      [peers[2], 'audio'],
    ]);
  });

  it('only the host moderates, and only participants of that meeting', async () => {
    const { meeting: m, peers } = await meeting([host, ann]);
    expect(await rejection(fx.room.moderation.mute(ann, m.id, peers[0]!, 'audio'))).toMatchObject({
      code: 'forbidden',
    });
    expect(
      await rejection(fx.room.moderation.mute(host, m.id, '00000000-0000-4000-8000-000000000000', 'audio')),
    ).toMatchObject({ code: 'not_found', field: 'peerId' });
    expect(await rejection(fx.room.moderation.remove(host, m.id, peers[0]!))).toMatchObject({
      code: 'bad_request',
      field: 'peerId',
    });
  });

  it('a removed participant is refused on rejoin until invited again', async () => {
    const { meeting: m, peers } = await meeting([host, ann]);
    await fx.room.moderation.remove(host, m.id, peers[1]!);
    expect(fx.toRoom(m.id, ServerEvents.meetingUserLeft)).toMatchObject([{ peerId: peers[1], byHost: true }]);
    expect(await rejection(fx.room.beforeJoin(lobbySocket(), ann, m.id))).toMatchObject({ code: 'forbidden' });

    fx.io.clear();
    await fx.room.moderation.invite(host, m.id, [ann.id, host.id]);
    expect(fx.io.of(ServerEvents.meetingInvitation)).toMatchObject([
      { to: [`user:${ann.id}`], payload: { status: 'active', meeting: { id: m.id } } },
    ]);
    await expect(fx.room.beforeJoin(lobbySocket(), ann, m.id)).resolves.toMatchObject({ meeting: { id: m.id } });
    expect(
      await rejection(fx.room.moderation.invite(host, m.id, ['00000000-0000-4000-8000-000000000000'])),
    ).toMatchObject({ code: 'bad_request', field: 'userIds' });
  });
});
