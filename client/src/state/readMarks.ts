import { createSignal } from 'solid-js';
import { isAfter } from '../chat/messageIds.js';
import { newestConfirmed } from '../chat/thread.js';
import { applyRead, conversations } from './conversations.js';
import { realtime } from './realtime.js';
import { session } from './session.js';
import { threadOf } from './threads.js';

const [pageVisible, setPageVisible] = createSignal(
  typeof document === 'undefined' ? true : document.visibilityState === 'visible',
);
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => setPageVisible(document.visibilityState === 'visible'));
}

/** The page is on screen (not a background tab or a minimised window). A solid signal. */
export { pageVisible };

/** The message id each conversation's `mark_read` in flight asks for. */
const inFlight = new Map<string, string>();

/**
 * Marks an open, visible conversation read up to its newest message (`mark_read`); the answer
 * (and the `read` event every tab of the user gets) sets the unread count. Does nothing when
 * there is nothing new to mark.
 */
export function markConversationRead(conversationId: string): void {
  const client = realtime();
  const conversation = conversations.get(conversationId);
  const me = session.user()?.id;
  if (!client || client.state() !== 'connected' || !conversation || !me) return;
  const thread = threadOf(conversationId);
  const fromThread = thread ? newestConfirmed(thread) : null;
  const fromList = conversation.lastMessage;
  let newest: { id: string; senderId: string } | null = fromThread?.id
    ? { id: fromThread.id, senderId: fromThread.senderId }
    : null;
  if (fromList && isAfter(fromList.id, newest?.id)) newest = fromList;
  if (!newest || !isAfter(newest.id, conversation.lastReadMessageId)) return;
  // Only my own messages since the mark: nothing is unread, no need to ask.
  if (conversation.unreadCount === 0 && newest.senderId === me) return;
  if (inFlight.get(conversationId) === newest.id) return;
  const messageId = newest.id;
  inFlight.set(conversationId, messageId);
  client
    .request('mark_read', { conversationId, messageId })
    .then((ack) => applyRead(ack))
    .catch(() => {
      // The next change (a message, the page becoming visible, a reconnection) tries again.
    })
    .finally(() => {
      if (inFlight.get(conversationId) === messageId) inFlight.delete(conversationId);
    });
}

export function resetReadMarks(): void {
  inFlight.clear();
}
