import { ServerEvents, type User } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from '../chat/chatFixture.js';
import { openMeetings, type MeetingFixture } from './meetingFixture.js';

describe('MeetingService', () => {
  let fx: MeetingFixture;
  let host: User;
  let guest: User;
  let outsider: User;

  beforeAll(async () => {
    fx = await openMeetings();
    [host, guest, outsider] = [await fx.addUser('host'), await fx.addUser('guest'), await fx.addUser('outsider')];
  });
  afterAll(() => fx.close());
  beforeEach(() => fx.io.clear());

  const invitations = () =>
    fx.io.of(ServerEvents.meetingInvitation).map(({ to, payload }) => ({
      to,
      status: (payload as { status: string }).status,
    }));

  it('starts a meeting with a chat of its own and invites the invitees live, not the host', async () => {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [guest.id, host.id] });
    expect(meeting).toMatchObject({ title: "HOST's meeting", hostId: host.id, status: 'active', mode: 'mesh' });
    expect(meeting.conversationId).toBeDefined();
    await expect(fx.chat.conversations.requireMember(meeting.conversationId!, host.id)).resolves.toEqual(
      new Set([host.id]),
    );
    expect(invitations()).toEqual([{ to: [`user:${guest.id}`], status: 'active' }]);
    expect(await fx.services.store.getMeta(meeting.id)).toEqual({ hostId: host.id, mode: 'mesh', status: 'open' });
  });

  it('names an unknown invitee, and invites the members of the conversation it is started from', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await rejection(fx.services.meetings.start(host, { inviteeIds: [unknown] }))).toMatchObject({
      code: 'bad_request',
      field: 'inviteeIds',
    });
    const { conversationId } = await fx.chat.contacts.add(host.id, outsider.id);
    fx.io.clear();
    const meeting = await fx.services.meetings.start(host, { conversationId, title: 'from chat' });
    expect(meeting.conversationId).toBe(conversationId);
    expect(invitations()).toEqual([{ to: [`user:${outsider.id}`], status: 'active' }]);
    // A non-member cannot start a meeting from that conversation.
    expect(await rejection(fx.services.meetings.start(guest, { conversationId }))).toMatchObject({ code: 'not_found' });
  });

  it('lets the host and invitees join an invited meeting, anyone a link meeting, and tells outsiders nothing', async () => {
    const invited = await fx.services.meetings.start(host, { inviteeIds: [guest.id] });
    await expect(fx.services.meetings.requireJoinable(guest.id, invited.id)).resolves.toMatchObject({ invited: true });
    expect(await rejection(fx.services.meetings.requireJoinable(outsider.id, invited.id))).toMatchObject({
      code: 'forbidden',
    });
    const link = await fx.services.meetings.start(host, { access: 'link' });
    await expect(fx.services.meetings.requireJoinable(outsider.id, link.id)).resolves.toMatchObject({ invited: false });
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      expect(await rejection(fx.services.meetings.requireJoinable(host.id, id))).toMatchObject({ code: 'not_found' });
    }
  });

  it('stop: host only; ends once (meeting_ended to the room, inactive invitations), then is a no-op', async () => {
    const meeting = await fx.services.meetings.start(host, { inviteeIds: [guest.id] });
    fx.io.clear();
    expect(await rejection(fx.services.meetings.stop(guest, meeting.id))).toMatchObject({ code: 'forbidden' });
    await fx.services.meetings.stop(host, meeting.id);
    expect(fx.toRoom(meeting.id, ServerEvents.meetingEnded)).toEqual([{ meetingId: meeting.id, reason: 'stopped' }]);
    expect(invitations()).toEqual([
      { to: expect.arrayContaining([`user:${host.id}`, `user:${guest.id}`]) as unknown, status: 'inactive' },
    ]);
    expect(await fx.services.store.getMeta(meeting.id)).toBeNull();
    expect((await fx.services.meetings.activeFor(guest.id)).map((m) => m.id)).not.toContain(meeting.id);

    fx.io.clear();
    await fx.services.meetings.stop(host, meeting.id);
    expect(await fx.services.meetings.end(meeting.id, 'stopped')).toBe(false);
    expect(fx.io.emits).toEqual([]);
  });

  it('lists the active meetings a user may join, oldest first', async () => {
    const solo = await fx.addUser('solo');
    const first = await fx.services.meetings.start(solo, { title: 'first' });
    const second = await fx.services.meetings.start(solo, { title: 'second' });
    expect((await fx.services.meetings.activeFor(solo.id)).map((m) => m.id)).toEqual([first.id, second.id]);
  });

  it('gives an active meeting that lost its room state a room again (adoptOrphans)', async () => {
    const meeting = await fx.services.meetings.start(host, {});
    await fx.services.store.deleteRoom(meeting.id);
    expect(await fx.services.meetings.adoptOrphans()).toBe(1);
    expect(await fx.services.store.getMeta(meeting.id)).toMatchObject({ hostId: host.id, status: 'open' });
    expect(await fx.services.meetings.adoptOrphans()).toBe(0);
  });
});
