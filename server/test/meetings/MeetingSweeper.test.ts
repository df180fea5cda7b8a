import { ServerEvents, type User } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openMeetings, testSocket, type MeetingFixture } from './meetingFixture.js';

const HOST_GRACE_MS = 30_000;
const EMPTY_MEETING_MS = 60_000;

describe('MeetingSweeper', () => {
  let fx: MeetingFixture;
  let host: User;
  let ann: User;

  beforeAll(async () => {
    fx = await openMeetings({ settings: { hostGraceMs: HOST_GRACE_MS, emptyMeetingMs: EMPTY_MEETING_MS } });
    [host, ann] = [await fx.addUser('host'), await fx.addUser('ann')];
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    fx.io.clear();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it('ends a meeting left empty for EMPTY_MEETING_MS, not before, and not one somebody rejoined', async () => {
    const empty = await fx.services.meetings.start(host, {});
    const rejoined = await fx.services.meetings.start(host, {});
    const socket = testSocket();
    await fx.services.rooms.join(socket, host, empty.id);
    await fx.services.rooms.leave(socket, empty.id);
    await fx.services.rooms.join(socket, host, rejoined.id);

    later(EMPTY_MEETING_MS - 1000);
    await fx.services.sweeper.tick();
    expect(fx.io.of(ServerEvents.meetingEnded)).toEqual([]);
    later(2000);
    await fx.services.sweeper.tick();
    expect(fx.io.of(ServerEvents.meetingEnded).map((emit) => emit.payload)).toEqual([
      { meetingId: empty.id, reason: 'empty' },
    ]);
    expect(await fx.services.store.getMeta(rejoined.id)).toMatchObject({ status: 'open' });
  });

  it('hands the host role on once a disconnected host stays away past HOST_GRACE_MS', async () => {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [ann.id] });
    const hostSocket = testSocket();
    await fx.services.rooms.join(hostSocket, host, meeting.id);
    await fx.services.rooms.join(testSocket(), ann, meeting.id);
    await fx.services.rooms.disconnect(hostSocket.id);

    later(HOST_GRACE_MS - 1000);
    await fx.services.sweeper.tick();
    expect(fx.io.of(ServerEvents.meetingHostChanged)).toEqual([]);
    later(2000);
    await fx.services.sweeper.tick();
    expect(fx.toRoom(meeting.id, ServerEvents.meetingHostChanged)).toEqual([{ meetingId: meeting.id, hostId: ann.id }]);
  });

  it('keeps the role for a host who comes back within the grace', async () => {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [ann.id] });
    const hostSocket = testSocket();
    await fx.services.rooms.join(hostSocket, host, meeting.id);
    await fx.services.rooms.join(testSocket(), ann, meeting.id);
    await fx.services.rooms.disconnect(hostSocket.id);
    later(1000);
    await fx.services.rooms.join(testSocket(), host, meeting.id);
    later(2 * HOST_GRACE_MS);
    await fx.services.sweeper.tick();
    expect(fx.io.of(ServerEvents.meetingHostChanged)).toEqual([]);
  });
});
