import { ServerEvents } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openChat, rejection, type ChatFixture } from './chatFixture.js';

describe('TypingService', () => {
  let fx: ChatFixture;
  let alice: string;
  let bob: string;
  let carol: string;
  let groupId: string;

  beforeAll(async () => {
    fx = await openChat({ typingIntervalMs: 1000 });
    [alice, bob, carol] = [await fx.addUser('alice'), await fx.addUser('bob'), await fx.addUser('carol')];
    groupId = (await fx.chat.conversations.createGroup(alice, { title: 'g', memberIds: [bob, carol] })).id;
    await fx.chat.conversations.requireMember(groupId, alice); // membership cached: no database below
  });
  afterAll(() => fx.close());
  beforeEach(() => {
    fx.io.clear();
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => vi.useRealTimers());

  const relayed = () => fx.io.of(ServerEvents.typing).map(({ to, payload }) => ({ to: [...to].sort(), payload }));

  it('relays to the other members only, and drops a repeat within the interval', async () => {
    await fx.chat.typing.update(alice, { conversationId: groupId, isTyping: true });
    await fx.chat.typing.update(alice, { conversationId: groupId, isTyping: true });
    expect(relayed()).toEqual([
      {
        to: [`user:${bob}`, `user:${carol}`].sort(),
        payload: { conversationId: groupId, userId: alice, isTyping: true },
      },
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(relayed()).toHaveLength(1);
  });

  it('holds a change within the interval and relays the latest value at its end', async () => {
    await fx.chat.typing.update(bob, { conversationId: groupId, isTyping: true });
    await vi.advanceTimersByTimeAsync(200);
    await fx.chat.typing.update(bob, { conversationId: groupId, isTyping: false });
    expect(relayed().map(({ payload }) => payload)).toEqual([{ conversationId: groupId, userId: bob, isTyping: true }]);
    await vi.advanceTimersByTimeAsync(799);
    expect(relayed()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(relayed().map(({ payload }) => (payload as { isTyping: boolean }).isTyping)).toEqual([true, false]);
  });

  it('refuses a non-member and relays nothing', async () => {
    vi.useRealTimers();
    const dave = await fx.addUser('dave');
    expect(await rejection(fx.chat.typing.update(dave, { conversationId: groupId, isTyping: true }))).toMatchObject({
      code: 'not_found',
    });
    expect(relayed()).toEqual([]);
  });
});
