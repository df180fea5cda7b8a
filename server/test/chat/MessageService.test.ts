import { ServerEvents } from '@parley/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openChat, rejection, type ChatFixture } from './chatFixture.js';

describe('MessageService', () => {
  let fx: ChatFixture;
  let alice: string;
  let bob: string;
  let carol: string;
  let conversationId: string;

  beforeAll(async () => {
    fx = await openChat({ typingIntervalMs: 60_000 });
    [alice, bob, carol] = [await fx.addUser('alice'), await fx.addUser('bob'), await fx.addUser('carol')];
    ({ conversationId } = await fx.chat.contacts.add(alice, bob));
  });
  afterAll(() => fx.close());
  beforeEach(() => fx.io.clear());

  it('delivers a new message once to every member, the sender included, and a resend not again', async () => {
    const first = await fx.chat.messages.send(alice, { conversationId, clientId: 'c1', text: 'hello' });
    expect(first.created).toBe(true);
    expect([...first.memberIds].sort()).toEqual([alice, bob].sort());
    expect(fx.io.of(ServerEvents.message)).toEqual([
      {
        to: expect.arrayContaining([`user:${alice}`, `user:${bob}`]) as unknown,
        except: [],
        event: ServerEvents.message,
        payload: { message: first.message },
      },
    ]);

    const again = await fx.chat.messages.send(alice, { conversationId, clientId: 'c1', text: 'hello (resent)' });
    expect(again).toMatchObject({ created: false, message: first.message });
    expect(fx.io.of(ServerEvents.message)).toHaveLength(1);
  });

  it('refuses a non-member as if the conversation did not exist, and sends nothing', async () => {
    const error = await rejection(fx.chat.messages.send(carol, { conversationId, clientId: 'x', text: 'hi' }));
    expect(error).toMatchObject({ code: 'not_found', field: 'conversationId' });
    const malformed = await rejection(
      fx.chat.messages.send(alice, { conversationId: 'not-a-uuid', clientId: 'y', text: 'hi' }),
    );
    expect(malformed).toMatchObject({ code: 'not_found' });
    expect(fx.io.emits).toEqual([]);
  });

  it('ends the sender typing: typing again within the interval is relayed at its end, not dropped as a repeat', async () => {
    await fx.chat.typing.update(bob, { conversationId, isTyping: true });
    await fx.chat.messages.send(bob, { conversationId, clientId: 'b1', text: 'done typing' });
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    try {
      await fx.chat.typing.update(bob, { conversationId, isTyping: true });
      await vi.advanceTimersByTimeAsync(60_000);
    } finally {
      vi.useRealTimers();
    }
    const typing = { conversationId, userId: bob, isTyping: true };
    expect(fx.io.of(ServerEvents.typing).map((emit) => emit.payload)).toEqual([typing, typing]);
  });

  it('pages history oldest first before a cursor, and hides it from non-members', async () => {
    const { conversationId: quiet } = await fx.chat.contacts.add(alice, carol);
    const sent = [];
    for (let i = 0; i < 5; i++) {
      sent.push(
        (await fx.chat.messages.send(alice, { conversationId: quiet, clientId: `h${i}`, text: `m${i}` })).message,
      );
    }
    const latest = await fx.chat.messages.history(carol, quiet, { limit: 2 });
    expect(latest.map((m) => m.text)).toEqual(['m3', 'm4']);
    const before = await fx.chat.messages.history(carol, quiet, { limit: 10, before: sent[2]!.id });
    expect(before.map((m) => m.text)).toEqual(['m0', 'm1']);
    const pastBigint = await fx.chat.messages.history(carol, quiet, { limit: 10, before: '99999999999999999999' });
    expect(pastBigint).toHaveLength(5);
    expect(await rejection(fx.chat.messages.history(bob, quiet, { limit: 10 }))).toMatchObject({ code: 'not_found' });
  });
});
