import type { Message } from '@parley/protocol';
import { compareMessageIds } from './messageIds.js';

export type MessageStatus = 'pending' | 'sent' | 'failed';

/**
 * A message as the client shows it. Messages of this tab that the server has not confirmed yet
 * have no id; `clientId` identifies them (and, with the sender, every message).
 */
export interface ChatMessage {
  clientId: string;
  id: string | null;
  conversationId: string;
  senderId: string;
  text: string;
  createdAt: string;
  status: MessageStatus;
  /** Why the last attempt failed (only when `status` is failed). */
  error?: string | undefined;
}

/**
 * One conversation's messages as loaded so far: confirmed messages sorted by id, then this
 * tab's unconfirmed ones in the order they were written. Functions below mutate it in place (the
 * store applies them through solid's `produce`, so moved items keep their identity and their
 * DOM nodes).
 */
export interface ThreadState {
  items: ChatMessage[];
  /** The latest page has arrived at least once. */
  loaded: boolean;
  loading: boolean;
  loadingOlder: boolean;
  /** Older messages may exist on the server. */
  hasMore: boolean;
  error: string | null;
}

export function emptyThread(): ThreadState {
  return { items: [], loaded: false, loading: false, loadingOlder: false, hasMore: true, error: null };
}

export function fromServer(message: Message): ChatMessage {
  return { ...message, status: 'sent' };
}

/** Index of the first unconfirmed item (= number of confirmed items). */
export function confirmedCount(thread: ThreadState): number {
  let index = thread.items.length;
  while (index > 0 && thread.items[index - 1]!.id === null) index--;
  return index;
}

export function oldestConfirmedId(thread: ThreadState): string | null {
  return thread.items[0]?.id ?? null;
}

export function newestConfirmed(thread: ThreadState): ChatMessage | null {
  const count = confirmedCount(thread);
  return count > 0 ? thread.items[count - 1]! : null;
}

/** Where a confirmed message with this id belongs (searching from the end: new ones append). */
function sortedPosition(thread: ThreadState, id: string): number {
  let index = confirmedCount(thread);
  while (index > 0 && compareMessageIds(thread.items[index - 1]!.id!, id) > 0) index--;
  return index;
}

export type MergeResult = 'added' | 'confirmed' | 'duplicate';

/**
 * Adds a message the server confirmed (history, a `message` event, an acknowledgement). It is
 * a duplicate when its id is known; it confirms this tab's own unconfirmed copy when the sender
 * and clientId match (the copy moves into id order and keeps its identity); else it is new.
 */
export function mergeConfirmed(thread: ThreadState, message: Message, myId: string): MergeResult {
  const known = thread.items.find((item) => item.id === message.id);
  if (known) {
    if (known.status !== 'sent') {
      known.status = 'sent';
      known.error = undefined;
    }
    return 'duplicate';
  }
  const ownIndex =
    message.senderId === myId
      ? thread.items.findIndex((item) => item.id === null && item.clientId === message.clientId)
      : -1;
  if (ownIndex >= 0) {
    const [own] = thread.items.splice(ownIndex, 1);
    const item = own!;
    item.id = message.id;
    item.createdAt = message.createdAt;
    item.text = message.text;
    item.status = 'sent';
    item.error = undefined;
    thread.items.splice(sortedPosition(thread, message.id), 0, item);
    return 'confirmed';
  }
  thread.items.splice(sortedPosition(thread, message.id), 0, fromServer(message));
  return 'added';
}

/** An older page (oldest first) loaded with `before`: `pageSize` full means more may exist. */
export function mergeOlder(thread: ThreadState, messages: Message[], myId: string, pageSize: number): void {
  for (const message of messages) mergeConfirmed(thread, message, myId);
  thread.hasMore = messages.length >= pageSize;
}

/**
 * The latest page (oldest first). When it does not reach back to what is already loaded (more
 * than a page arrived while away), the loaded confirmed messages are dropped so the thread
 * never shows a silent gap; scrolling up loads them again.
 */
export function mergeLatest(thread: ThreadState, messages: Message[], myId: string, pageSize: number): void {
  const newest = newestConfirmed(thread);
  const first = messages[0];
  const gap =
    newest !== null &&
    first !== undefined &&
    messages.length >= pageSize &&
    compareMessageIds(first.id, newest.id!) > 0;
  if (gap) thread.items.splice(0, confirmedCount(thread));
  const hadNone = confirmedCount(thread) === 0;
  for (const message of messages) mergeConfirmed(thread, message, myId);
  if (hadNone || gap) thread.hasMore = messages.length >= pageSize;
  thread.loaded = true;
  thread.error = null;
}

/** Appends a message of this tab that is not confirmed yet. */
export function addUnconfirmed(thread: ThreadState, message: ChatMessage): void {
  thread.items.push(message);
}

export function findUnconfirmed(thread: ThreadState, clientId: string): ChatMessage | undefined {
  return thread.items.find((item) => item.id === null && item.clientId === clientId);
}

/** Sets the status of an unconfirmed message; false when it is gone or already confirmed. */
export function setUnconfirmedStatus(
  thread: ThreadState,
  clientId: string,
  status: Exclude<MessageStatus, 'sent'>,
  error?: string,
): boolean {
  const item = findUnconfirmed(thread, clientId);
  if (!item) return false;
  item.status = status;
  item.error = status === 'failed' ? error : undefined;
  return true;
}
