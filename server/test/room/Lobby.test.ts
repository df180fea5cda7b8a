import { ServerEvents, type Meeting, type User } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { rejection } from '../chat/chatFixture.js';
import { openRoom, lobbySocket, type LobbyTestSocket, type RoomFixture } from './roomFixture.js';

const LOBBY_WAIT_MS = 60_000;

describe('Lobby', () => {
  let fx: RoomFixture;
  let host: User;
  let ann: User;
  let ben: User;

  beforeAll(async () => {
    fx = await openRoom({ lobbyWaitMs: LOBBY_WAIT_MS });
    [host, ann, ben] = [await fx.addUser('host'), await fx.addUser('ann'), await fx.addUser('ben')];
  });
  afterAll(() => fx.close());
  beforeEach(() => fx.io.clear());
  afterEach(() => vi.useRealTimers());

  /** A meeting whose host is in the room and has locked it. */
  async function locked(): Promise<{ meeting: Meeting; hostSocket: LobbyTestSocket }> {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [ann.id, ben.id] });
    const hostSocket = lobbySocket();
    await fx.services.rooms.join(hostSocket, host, meeting.id);
    await fx.room.lobby.setLocked(host, meeting.id, true);
    fx.io.clear();
    return { meeting, hostSocket };
  }

  /** Lets the lobby's store and notifications settle (all in memory). */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  const requestOf = async (meetingId: string) => {
    await settle();
    const [request] = await fx.room.lobby.pending(meetingId);
    return request!;
  };

  it('an unlocked meeting lets invitees in at once; only the host may lock a live meeting', async () => {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [ann.id] });
    await expect(fx.room.lobby.enter(lobbySocket(), ann, meeting.id)).resolves.toMatchObject({ waited: false });
    expect(await rejection(fx.room.lobby.setLocked(ann, meeting.id, true))).toMatchObject({ code: 'forbidden' });
    await fx.services.meetings.stop(host, meeting.id);
    expect(await rejection(fx.room.lobby.setLocked(host, meeting.id, true))).toMatchObject({
      code: 'not_found',
      field: 'meetingId',
    });
  });

  it('in a locked meeting a newcomer waits, the host is asked, and admitting lets the join go on', async () => {
    const { meeting, hostSocket } = await locked();
    const annSocket = lobbySocket();
    const entering = fx.room.lobby.enter(annSocket, ann, meeting.id);
    const request = await requestOf(meeting.id);
    expect(fx.io.of(ServerEvents.meetingLobby)).toMatchObject([
      { to: [annSocket.id], payload: { meetingId: meeting.id } },
    ]);
    expect(fx.io.of(ServerEvents.lobbyRequest)).toMatchObject([
      { to: [hostSocket.id], payload: { meetingId: meeting.id, requestId: request.requestId, user: { id: ann.id } } },
    ]);
    await fx.room.lobby.admit(host, meeting.id, request.requestId, true);
    await expect(entering).resolves.toMatchObject({ waited: true });
    // Admitted once: no second wait.
    await expect(fx.room.lobby.enter(lobbySocket(), ann, meeting.id)).resolves.toMatchObject({ waited: false });
    expect(await rejection(fx.room.lobby.admit(host, meeting.id, request.requestId, true))).toMatchObject({
      code: 'not_found',
      field: 'requestId',
    });
  });

  it('a refused newcomer gets forbidden', async () => {
    const { meeting } = await locked();
    const entering = rejection(fx.room.lobby.enter(lobbySocket(), ben, meeting.id));
    const request = await requestOf(meeting.id);
    await fx.room.lobby.admit(host, meeting.id, request.requestId, false);
    expect(await entering).toMatchObject({ code: 'forbidden' });
  });

  it('unlocking admits everyone waiting', async () => {
    const { meeting } = await locked();
    const entering = fx.room.lobby.enter(lobbySocket(), ben, meeting.id);
    await requestOf(meeting.id);
    await fx.room.lobby.setLocked(host, meeting.id, false);
    await expect(entering).resolves.toMatchObject({ waited: true });
    expect(fx.toRoom(meeting.id, ServerEvents.meetingLock)).toEqual([{ meetingId: meeting.id, locked: false }]);
  });

  it('a newcomer who goes away, or whom nobody answers within LOBBY_WAIT_MS, is withdrawn from the host', async () => {
    const { meeting, hostSocket } = await locked();
    const annSocket = lobbySocket();
    const gone = rejection(fx.room.lobby.enter(annSocket, ann, meeting.id));
    await requestOf(meeting.id);
    annSocket.disconnect();
    expect(await gone).toMatchObject({ code: 'forbidden' });

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const unanswered = rejection(fx.room.lobby.enter(lobbySocket(), ben, meeting.id));
    await requestOf(meeting.id);
    await vi.advanceTimersByTimeAsync(LOBBY_WAIT_MS);
    expect(await unanswered).toMatchObject({ code: 'forbidden' });
    expect(
      fx.io.of(ServerEvents.lobbyCancelled).map(({ to, payload }) => [to, (payload as { reason: string }).reason]),
    ).toEqual([
      [[hostSocket.id], 'gone'],
      [[hostSocket.id], 'timeout'],
    ]);
    expect(await fx.room.lobby.pending(meeting.id)).toEqual([]);
  });
});
