import type { Conversation, Message, ReadEvent } from '@parley/protocol';
import { batch, createMemo, createRoot } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { chatApi } from '../chat/chatApi.js';
import { compareMessageIds, isAfter } from '../chat/messageIds.js';
import { failedLoad, type LoadStatus } from './loadStatus.js';

interface ConversationsState {
  byId: Record<string, Conversation>;
  status: LoadStatus;
  error: string | null;
}

/**
 * The user's conversations with their last message and unread count: loaded from
 * GET /api/conversations, then kept current by `message` and `read` events.
 */
const [state, setState] = createStore<ConversationsState>({ byId: {}, status: 'idle', error: null });

const activityOf = (conversation: Conversation) => conversation.lastMessage?.createdAt ?? conversation.createdAt;

const sorted = createRoot(() =>
  createMemo(() =>
    Object.values(state.byId).sort((a, b) => {
      const byActivity = activityOf(b).localeCompare(activityOf(a));
      if (byActivity !== 0) return byActivity;
      const lastA = a.lastMessage?.id;
      const lastB = b.lastMessage?.id;
      if (lastA && lastB) return compareMessageIds(lastB, lastA);
      return a.id.localeCompare(b.id);
    }),
  ),
);

let generation = 0;
let latestLoad = 0;
/**
 * Events that arrived while a load was in flight: the response may predate them, so they are
 * applied again on top of it (both appliers ignore what the response already includes).
 */
let duringLoad: Array<() => void> | null = null;

export const conversations = {
  /** Most recently active first. */
  list: sorted,
  get: (id: string): Conversation | undefined => state.byId[id],
  status: () => state.status,
  error: () => state.error,
};

/** GET /api/conversations; replaces the list (the server's counts are the truth after a gap). */
export async function loadConversations(): Promise<void> {
  const mine = generation;
  const request = ++latestLoad;
  duringLoad ??= [];
  if (state.status !== 'ready') setState({ status: 'loading', error: null });
  try {
    const list = await chatApi.listConversations();
    if (mine !== generation || request !== latestLoad) return;
    const byId: Record<string, Conversation> = {};
    for (const conversation of list) byId[conversation.id] = conversation;
    const replay = duringLoad ?? [];
    duringLoad = null;
    batch(() => {
      setState('byId', reconcile(byId));
      setState({ status: 'ready', error: null });
      for (const apply of replay) apply();
    });
  } catch (error) {
    if (mine !== generation || request !== latestLoad) return;
    duringLoad = null;
    setState(failedLoad(state.status, error, 'Could not load your conversations.'));
  }
}

/** Adds or replaces one conversation (a group just created). */
export function upsertConversation(conversation: Conversation): void {
  duringLoad?.push(() => {
    if (!state.byId[conversation.id]) setState('byId', conversation.id, conversation);
  });
  setState('byId', conversation.id, reconcile(conversation));
}

/** POST /api/conversations: a titled group with the chosen contacts. */
export async function createGroup(title: string, memberIds: string[]): Promise<Conversation> {
  const conversation = await chatApi.createGroup(title, memberIds);
  upsertConversation(conversation);
  return conversation;
}

/**
 * A confirmed message (event, ack or history): becomes the last message when newer, and counts
 * as unread when someone else sent it after the read mark. Returns false when the conversation
 * is unknown (it was just created by someone else: reload the list).
 */
export function applyMessage(message: Message, myId: string): boolean {
  duringLoad?.push(() => applyMessage(message, myId));
  const conversation = state.byId[message.conversationId];
  if (!conversation) return false;
  if (!isAfter(message.id, conversation.lastMessage?.id)) return true;
  setState(
    'byId',
    message.conversationId,
    produce((draft) => {
      draft.lastMessage = message;
      if (message.senderId !== myId && isAfter(message.id, draft.lastReadMessageId)) draft.unreadCount += 1;
    }),
  );
  return true;
}

/** A `read` event (this tab's or another tab's `mark_read`): the server's count wins. */
export function applyRead(event: ReadEvent): void {
  duringLoad?.push(() => applyRead(event));
  if (!state.byId[event.conversationId]) return;
  setState(
    'byId',
    event.conversationId,
    produce((draft) => {
      if (isAfter(event.messageId, draft.lastReadMessageId)) draft.lastReadMessageId = event.messageId;
      if (draft.lastReadMessageId === event.messageId) draft.unreadCount = event.unreadCount;
    }),
  );
}

export function resetConversations(): void {
  generation++;
  duringLoad = null;
  setState('byId', reconcile({}));
  setState({ status: 'idle', error: null });
}
