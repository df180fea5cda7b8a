import type { Message } from '@parley/protocol';
import { batch } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { ApiError } from '../api/ApiError.js';
import { chatApi, HISTORY_PAGE_SIZE } from '../chat/chatApi.js';
import {
  emptyThread,
  mergeConfirmed,
  mergeLatest,
  mergeOlder,
  oldestConfirmedId,
  type MergeResult,
  type ThreadState,
} from '../chat/thread.js';
import { session } from './session.js';

/**
 * The messages of each conversation opened on this page: history pages from
 * GET /api/conversations/:id/messages, live `message` events, and this tab's unconfirmed sends.
 */
const [threads, setThreads] = createStore<Record<string, ThreadState>>({});

let generation = 0;

const myId = () => session.user()?.id ?? '';

export function threadOf(conversationId: string): ThreadState | undefined {
  return threads[conversationId];
}

/** Applies a mutation to a thread (created empty when missing), keeping item identities. */
export function updateThread<T>(conversationId: string, change: (thread: ThreadState) => T): T {
  if (!threads[conversationId]) setThreads(conversationId, emptyThread());
  let result!: T;
  setThreads(
    conversationId,
    produce((thread) => {
      result = change(thread);
    }),
  );
  return result;
}

function failureText(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Could not load the messages.';
}

/** Loads the latest page, once per conversation (and again after a failure). */
export async function openThread(conversationId: string): Promise<void> {
  const current = threads[conversationId];
  if (current && (current.loaded || current.loading)) return;
  await refreshLatest(conversationId);
}

/** Fetches the latest page and merges it (first load, or catching up after a reconnection). */
export async function refreshLatest(conversationId: string): Promise<void> {
  const mine = generation;
  updateThread(conversationId, (thread) => {
    thread.loading = true;
    thread.error = null;
  });
  try {
    const messages = await chatApi.history(conversationId, { limit: HISTORY_PAGE_SIZE });
    if (mine !== generation) return;
    updateThread(conversationId, (thread) => {
      mergeLatest(thread, messages, myId(), HISTORY_PAGE_SIZE);
      thread.loading = false;
    });
  } catch (error) {
    if (mine !== generation) return;
    updateThread(conversationId, (thread) => {
      thread.loading = false;
      thread.error = failureText(error);
    });
  }
}

/** Loads the page before the oldest loaded message; resolves false when nothing was loaded. */
export async function loadOlder(conversationId: string): Promise<boolean> {
  const thread = threads[conversationId];
  if (!thread || !thread.loaded || !thread.hasMore || thread.loadingOlder) return false;
  const before = oldestConfirmedId(thread);
  if (before === null) {
    updateThread(conversationId, (draft) => (draft.hasMore = false));
    return false;
  }
  const mine = generation;
  updateThread(conversationId, (draft) => {
    draft.loadingOlder = true;
    draft.error = null;
  });
  try {
    const messages = await chatApi.history(conversationId, { before, limit: HISTORY_PAGE_SIZE });
    if (mine !== generation) return false;
    updateThread(conversationId, (draft) => {
      mergeOlder(draft, messages, myId(), HISTORY_PAGE_SIZE);
      draft.loadingOlder = false;
    });
    return messages.length > 0;
  } catch (error) {
    if (mine !== generation) return false;
    updateThread(conversationId, (draft) => {
      draft.loadingOlder = false;
      draft.error = failureText(error);
    });
    return false;
  }
}

/**
 * A confirmed message (a `message` event or an acknowledgement) for a thread that is loaded;
 * threads never opened are left alone (their first load brings it). Returns what happened.
 */
export function applyConfirmed(message: Message): MergeResult | 'not-loaded' {
  const thread = threads[message.conversationId];
  if (!thread || (!thread.loaded && thread.items.length === 0)) return 'not-loaded';
  return updateThread(message.conversationId, (draft) => mergeConfirmed(draft, message, myId()));
}

/** Conversations whose history is on this page (to catch up after a reconnection). */
export function loadedThreadIds(): string[] {
  return Object.keys(threads).filter((id) => threads[id]?.loaded);
}

export function resetThreads(): void {
  generation++;
  batch(() => setThreads(reconcile({})));
}
