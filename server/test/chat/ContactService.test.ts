import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCreationLimits } from '../../src/limits/creationLimits.js';
import { openChat, rejection, type ChatFixture } from './chatFixture.js';

const limits = createCreationLimits(null, 'unused:', {
  groupsPerHour: 100,
  groupMaxMembers: 100,
  contactsPerHour: 4,
  invitationsPerHour: 100,
  meetingMaxInvitees: 10,
});

describe('ContactService', () => {
  let fx: ChatFixture;
  const users = new Map<string, string>();
  const id = (name: string) => users.get(name)!;

  beforeAll(async () => {
    fx = await openChat({ limits });
    for (const name of ['ann', 'ben', 'cat', 'dan', 'eve', 'fay']) users.set(name, await fx.addUser(name));
  });
  afterAll(() => fx.close());

  it('makes contacts mutual, sharing one direct conversation of the two, whoever adds first', async () => {
    const added = await fx.chat.contacts.add(id('ann'), id('ben'));
    expect(added.user).toMatchObject({ id: id('ben'), username: 'ben' });
    const back = await fx.chat.contacts.add(id('ben'), id('ann'));
    expect(back.conversationId).toBe(added.conversationId);
    expect(await fx.chat.contacts.contactIdsOf(id('ben'))).toEqual([id('ann')]);
    await expect(fx.chat.conversations.requireMember(added.conversationId, id('ann'))).resolves.toEqual(
      new Set([id('ann'), id('ben')]),
    );
  });

  it('refuses adding yourself (bad_request) and an unknown user (not_found)', async () => {
    expect(await rejection(fx.chat.contacts.add(id('ann'), id('ann')))).toMatchObject({
      code: 'bad_request',
      field: 'userId',
    });
    expect(await rejection(fx.chat.contacts.add(id('ann'), '00000000-0000-4000-8000-000000000000'))).toMatchObject({
      code: 'not_found',
      field: 'userId',
    });
  });

  it('pages contacts by username after the last one of the previous page', async () => {
    for (const name of ['fay', 'cat', 'dan']) await fx.chat.contacts.add(id('eve'), id(name));
    const first = await fx.chat.contacts.list(id('eve'), { limit: 2 });
    expect(first.map((entry) => entry.user.username)).toEqual(['cat', 'dan']);
    const next = await fx.chat.contacts.list(id('eve'), { limit: 2, after: 'dan' });
    expect(next.map((entry) => entry.user.username)).toEqual(['fay']);
  });

  it('counts adds against contactsPerHour (4 per hour here: the fifth is refused)', async () => {
    await fx.chat.contacts.add(id('eve'), id('ann'));
    expect(await rejection(fx.chat.contacts.add(id('eve'), id('ben')))).toMatchObject({ code: 'rate_limited' });
  });
});
