import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCreationLimits } from '../../src/limits/creationLimits.js';
import { openChat, rejection, type ChatFixture } from './chatFixture.js';

const limits = createCreationLimits(null, 'unused:', {
  groupsPerHour: 2,
  groupMaxMembers: 3,
  contactsPerHour: 100,
  invitationsPerHour: 100,
  meetingMaxInvitees: 10,
});

describe('ConversationService', () => {
  let fx: ChatFixture;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeAll(async () => {
    fx = await openChat({ limits });
    [alice, bob, carol] = [await fx.addUser('alice'), await fx.addUser('bob'), await fx.addUser('carol')];
  });
  afterAll(() => fx.close());

  it('creates a group of the caller and the named members, each once, with nothing unread', async () => {
    const group = await fx.chat.conversations.createGroup(alice, { title: 'team', memberIds: [bob, bob, alice] });
    expect(group).toMatchObject({ kind: 'group', title: 'team', lastMessage: null, unreadCount: 0 });
    expect(group.members.map((member) => member.username).sort()).toEqual(['alice', 'bob']);
    await expect(fx.chat.conversations.requireMember(group.id, bob)).resolves.toEqual(new Set([alice, bob]));
  });

  it('names the index of an unknown member id, and refuses groups over the size limit', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(
      await rejection(fx.chat.conversations.createGroup(alice, { title: 't', memberIds: [bob, unknown] })),
    ).toMatchObject({ code: 'bad_request', field: 'memberIds.1' });
    expect(
      await rejection(fx.chat.conversations.createGroup(bob, { title: 't', memberIds: [alice, carol, bob, unknown] })),
    ).toMatchObject({ code: 'bad_request', field: 'memberIds' });
  });

  it('adds meeting participants to a group once, and never to a direct conversation', async () => {
    const meetingChat = await fx.chat.conversations.createForMeeting('standup', carol);
    expect(await fx.chat.conversations.addGroupMember(meetingChat, alice)).toBe(true);
    expect(await fx.chat.conversations.addGroupMember(meetingChat, alice)).toBe(false);
    await expect(fx.chat.conversations.requireMember(meetingChat, alice)).resolves.toEqual(new Set([carol, alice]));

    const { conversationId: direct } = await fx.chat.contacts.add(alice, bob);
    expect(await fx.chat.conversations.addGroupMember(direct, carol)).toBe(false);
    expect(await rejection(fx.chat.conversations.requireMember(direct, carol))).toMatchObject({
      code: 'not_found',
      field: 'conversationId',
    });
  });

  it("lists the caller's conversations most recently active first, with the last message and unread count", async () => {
    const quiet = await fx.chat.conversations.createGroup(carol, { title: 'quiet', memberIds: [bob] });
    const busy = await fx.chat.conversations.createGroup(carol, { title: 'busy', memberIds: [bob] });
    await fx.chat.messages.send(carol, { conversationId: quiet.id, clientId: 'q1', text: 'first' });
    await fx.chat.messages.send(carol, { conversationId: busy.id, clientId: 'b1', text: 'one' });
    await fx.chat.messages.send(carol, { conversationId: busy.id, clientId: 'b2', text: 'two' });

    const forBob = await fx.chat.conversations.list(bob);
    const titles = forBob.map((conversation) => conversation.title);
    expect(titles.indexOf('busy')).toBeLessThan(titles.indexOf('quiet'));
    expect(forBob.find((conversation) => conversation.id === busy.id)).toMatchObject({
      unreadCount: 2,
      lastMessage: { text: 'two', senderId: carol },
    });
    // The sender's own messages are not unread for them.
    expect((await fx.chat.conversations.list(carol)).find((c) => c.id === busy.id)?.unreadCount).toBe(0);
    expect(await fx.chat.conversations.list(bob, 1)).toHaveLength(1);
  });

  it('refuses a third group within the hour (groupsPerHour 2)', async () => {
    const error = await rejection(fx.chat.conversations.createGroup(carol, { title: 'third', memberIds: [alice] }));
    expect(error).toMatchObject({ code: 'rate_limited' });
  });
});
