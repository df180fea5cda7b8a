import { ServerEvents, type Meeting, type User } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openMeetings, testSocket, type MeetingFixture, type TestSocket } from './meetingFixture.js';

/** More than 3 participants → SFU; back to mesh at 2 or fewer held for 10 s. */
const MODE = { meshMaxParticipants: 3, meshReturnAt: 2, meshReturnHoldMs: 10_000 };

describe('MeetingModeSwitch', () => {
  let fx: MeetingFixture;
  let users: User[];
  let sfuAvailable = true;
  const modeChanged: string[] = [];

  beforeAll(async () => {
    fx = await openMeetings({ mode: MODE, sfuAvailable: () => sfuAvailable });
    users = [];
    for (let i = 0; i < 7; i++) users.push(await fx.addUser(`u${i}`));
    fx.services.events.on('modeChanged', (_meetingId, mode) => modeChanged.push(mode));
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    fx.io.clear();
    modeChanged.length = 0;
    sfuAvailable = true;
  });
  afterEach(() => vi.useRealTimers());

  async function meetingWith(count: number): Promise<{ meeting: Meeting; sockets: TestSocket[] }> {
    const meeting = await fx.services.meetings.start(users[0]!, { access: 'link' });
    const sockets: TestSocket[] = [];
    for (const user of users.slice(0, count)) {
      const socket = testSocket();
      await fx.services.rooms.join(socket, user, meeting.id);
      sockets.push(socket);
    }
    return { meeting, sockets };
  }
  const modes = (meetingId: string) =>
    fx.toRoom(meetingId, ServerEvents.meetingMode).map((p) => (p as { mode: string }).mode);

  it('switches to SFU on the join past MESH_MAX_PARTICIPANTS, once, and tells the room and the SFU', async () => {
    const { meeting } = await meetingWith(3);
    expect(modes(meeting.id)).toEqual([]);
    const joined = await fx.services.rooms.join(testSocket(), users[3]!, meeting.id);
    expect(joined.mode).toBe('sfu');
    await fx.services.rooms.join(testSocket(), users[4]!, meeting.id);
    expect(modes(meeting.id)).toEqual(['sfu']);
    expect(modeChanged).toEqual(['sfu']);
  });

  it('stays in mesh without a media node', async () => {
    sfuAvailable = false;
    const { meeting } = await meetingWith(5);
    expect(modes(meeting.id)).toEqual([]);
    expect(await fx.services.store.getMeta(meeting.id)).toMatchObject({ mode: 'mesh' });
  });

  it('returns to mesh only once the room has stayed at MESH_RETURN_AT or fewer for the hold', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { meeting, sockets } = await meetingWith(4);
    for (const socket of sockets.slice(2)) await fx.services.rooms.leave(socket, meeting.id);
    const modeSwitch = fx.services.modeSwitch!;
    await modeSwitch.sweep(Date.now() + MODE.meshReturnHoldMs - 1, 10);
    expect(modes(meeting.id)).toEqual(['sfu']);
    await modeSwitch.sweep(Date.now() + MODE.meshReturnHoldMs, 10);
    expect(modes(meeting.id)).toEqual(['sfu', 'mesh']);
    expect(modeChanged).toEqual(['sfu', 'mesh']);
  });

  it('a room that grows again within the hold stays in SFU', async () => {
    const { meeting, sockets } = await meetingWith(4);
    await fx.services.rooms.leave(sockets[3]!, meeting.id);
    await fx.services.rooms.leave(sockets[2]!, meeting.id);
    await fx.services.rooms.join(testSocket(), users[5]!, meeting.id);
    await fx.services.modeSwitch!.sweep(Date.now() + 10 * MODE.meshReturnHoldMs, 10);
    expect(modes(meeting.id)).toEqual(['sfu']);
  });

  it('falls back to mesh when the media nodes are gone, up to twice MESH_MAX_PARTICIPANTS', async () => {
    const small = await meetingWith(4);
    const large = await meetingWith(7);
    sfuAvailable = false;
    expect(await fx.services.modeSwitch!.fallbackToMesh(small.meeting.id)).toBe(true);
    expect(modes(small.meeting.id)).toEqual(['sfu', 'mesh']);
    expect(await fx.services.modeSwitch!.fallbackToMesh(large.meeting.id)).toBe(false);
    expect(await fx.services.store.getMeta(large.meeting.id)).toMatchObject({ mode: 'sfu' });
  });
});
