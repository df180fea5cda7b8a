import { ServerEvents } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openChat, rejection, type ChatFixture } from './chatFixture.js';

describe('ReadStateService', () => {
  let fx: ChatFixture;
  let alice: string;
  let bob: string;
  let conversationId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    fx = await openChat();
    [alice, bob] = [await fx.addUser('alice'), await fx.addUser('bob')];
    ({ conversationId } = await fx.chat.contacts.add(alice, bob));
    for (const [i, sender] of [bob, bob, alice, bob].entries()) {
      ids.push((await fx.chat.messages.send(sender, { conversationId, clientId: `m${i}`, text: `${i}` })).message.id);
    }
  });
  afterAll(() => fx.close());
  beforeEach(() => fx.io.clear());

  it("moves the mark, counts only others' later messages, and tells every socket of the reader", async () => {
    const state = await fx.chat.readState.markRead(alice, conversationId, ids[0]!);
    // After ids[0]: bob's ids[1] and ids[3]; alice's own ids[2] is not unread for her.
    expect(state).toEqual({ conversationId, messageId: ids[0], unreadCount: 2 });
    expect(fx.io.emits).toEqual([{ to: [`user:${alice}`], except: [], event: ServerEvents.read, payload: state }]);
  });

  it('never moves the mark backwards (a stale tab), and answers with the mark that holds', async () => {
    await fx.chat.readState.markRead(alice, conversationId, ids[3]!);
    const stale = await fx.chat.readState.markRead(alice, conversationId, ids[1]!);
    expect(stale).toEqual({ conversationId, messageId: ids[3], unreadCount: 0 });
  });

  it('refuses a message of another conversation, an id past bigint, and a non-member, sending nothing', async () => {
    const carol = await fx.addUser('carol');
    const other = await fx.chat.contacts.add(bob, carol);
    const foreign = await fx.chat.messages.send(carol, {
      conversationId: other.conversationId,
      clientId: 'f',
      text: 'x',
    });
    fx.io.clear();
    expect(await rejection(fx.chat.readState.markRead(alice, conversationId, foreign.message.id))).toMatchObject({
      code: 'not_found',
      field: 'messageId',
    });
    expect(await rejection(fx.chat.readState.markRead(alice, conversationId, '99999999999999999999'))).toMatchObject({
      code: 'not_found',
      field: 'messageId',
    });
    expect(await rejection(fx.chat.readState.markRead(carol, conversationId, ids[0]!))).toMatchObject({
      code: 'not_found',
      field: 'conversationId',
    });
    expect(fx.io.emits).toEqual([]);
  });
});
