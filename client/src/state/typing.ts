import type { TypingEvent } from '@parley/protocol';
import { createStore, produce, reconcile } from 'solid-js/store';

/** A `typing` true is treated as false after this long without a refresh (docs/protocol.md). */
export const TYPING_EXPIRY_MS = 5000;

/** Who is typing where: conversation id → user id → time the indicator expires. */
const [typists, setTypists] = createStore<Record<string, Record<string, number>>>({});
const timers = new Map<string, ReturnType<typeof setTimeout>>();

const keyOf = (conversationId: string, userId: string) => `${conversationId}\u0000${userId}`;

function clear(conversationId: string, userId: string): void {
  const key = keyOf(conversationId, userId);
  clearTimeout(timers.get(key));
  timers.delete(key);
  if (typists[conversationId]?.[userId] === undefined) return;
  setTypists(
    produce((draft) => {
      const users = draft[conversationId];
      if (!users) return;
      delete users[userId];
      if (Object.keys(users).length === 0) delete draft[conversationId];
    }),
  );
}

/** A `typing` event from another member. */
export function applyTyping(event: TypingEvent): void {
  if (!event.isTyping) {
    clear(event.conversationId, event.userId);
    return;
  }
  const key = keyOf(event.conversationId, event.userId);
  clearTimeout(timers.get(key));
  timers.set(
    key,
    setTimeout(() => clear(event.conversationId, event.userId), TYPING_EXPIRY_MS),
  );
  setTypists(event.conversationId, (users) => ({ ...(users ?? {}), [event.userId]: Date.now() + TYPING_EXPIRY_MS }));
}

/** Their message arrived: they are done typing it. */
export function stoppedTyping(conversationId: string, userId: string): void {
  clear(conversationId, userId);
}

/** Ids of the users typing in a conversation, in the order they started. */
export function typingIn(conversationId: string): string[] {
  return Object.keys(typists[conversationId] ?? {});
}

export function resetTyping(): void {
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  setTypists(reconcile({}));
}
