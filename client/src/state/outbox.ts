import { MAX_MESSAGE_LENGTH, type Message } from '@parley/protocol';
import { ApiError } from '../api/ApiError.js';
import { addUnconfirmed, findUnconfirmed, setUnconfirmedStatus, type ChatMessage } from '../chat/thread.js';
import { applyMessage } from './conversations.js';
import { realtime } from './realtime.js';
import { session } from './session.js';
import { applyConfirmed, threadOf, updateThread } from './threads.js';

/** How long a sent message may wait for its acknowledgement before it shows as failed. */
export const SEND_TIMEOUT_MS = 10_000;

interface Attempt {
  conversationId: string;
  /** Bumped on every (re)send and on disconnection: a stale attempt's failure is ignored. */
  seq: number;
}

/**
 * Messages this tab sent and the server has not confirmed. A new message shows at once as
 * pending (its clientId = crypto.randomUUID()); the `message` acknowledgement confirms it; no
 * answer within SEND_TIMEOUT_MS or an error answer marks it failed (Retry sends it again). While
 * the socket is down, pending messages wait and are resent on reconnection with the same
 * clientId, which the server dedupes, so a resend is always safe.
 */
const attempts = new Map<string, Attempt>();
let seq = 0;

function isConnected(): boolean {
  return realtime()?.state() === 'connected';
}

function failureText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'timeout') return 'No answer from the server.';
    if (error.code === 'rate_limited') return 'Sending too fast. Wait a moment.';
    return error.message;
  }
  return 'Not sent.';
}

/** Records the confirmed message everywhere it shows (thread and conversation list). */
export function confirm(message: Message): void {
  applyConfirmed(message);
  applyMessage(message, session.user()?.id ?? '');
  attempts.delete(message.clientId);
}

async function deliver(message: ChatMessage): Promise<void> {
  const client = realtime();
  const attempt: Attempt = { conversationId: message.conversationId, seq: ++seq };
  attempts.set(message.clientId, attempt);
  // Offline: stay pending; the reconnection resends (emitting now would queue it twice).
  if (!client || !isConnected()) return;
  try {
    const { message: stored } = await client.request(
      'message',
      { conversationId: message.conversationId, clientId: message.clientId, text: message.text },
      { timeoutMs: SEND_TIMEOUT_MS },
    );
    // A late success still counts: the message is stored, whatever the attempt number.
    confirm(stored);
  } catch (error) {
    if (attempts.get(message.clientId)?.seq !== attempt.seq) return;
    // The connection dropped while waiting: the reconnection resends; do not call it failed.
    if (!isConnected() && !(error instanceof ApiError && error.status > 0)) return;
    updateThread(message.conversationId, (thread) =>
      setUnconfirmedStatus(thread, message.clientId, 'failed', failureText(error)),
    );
  }
}

/** Sends `text` to the conversation; returns the new message's clientId. */
export function sendMessage(conversationId: string, text: string): string {
  const me = session.user();
  if (!me) throw new Error('not logged in');
  if (text.trim().length === 0 || text.length > MAX_MESSAGE_LENGTH) throw new Error('invalid message text');
  const message: ChatMessage = {
    clientId: crypto.randomUUID(),
    id: null,
    conversationId,
    senderId: me.id,
    text,
    createdAt: new Date().toISOString(),
    status: 'pending',
  };
  updateThread(conversationId, (thread) => addUnconfirmed(thread, message));
  void deliver(message);
  return message.clientId;
}

/** Sends a failed message again (same clientId). */
export function retryMessage(conversationId: string, clientId: string): void {
  const thread = threadOf(conversationId);
  const message = thread && findUnconfirmed(thread, clientId);
  if (!message) return;
  updateThread(conversationId, (draft) => setUnconfirmedStatus(draft, clientId, 'pending'));
  void deliver({ ...message, status: 'pending' });
}

/** The socket went down: answers to requests in flight no longer decide anything. */
export function onDisconnected(): void {
  for (const attempt of attempts.values()) attempt.seq = ++seq;
}

/** The socket is (re)connected: every message still pending is sent again, oldest first. */
export function resendPending(): void {
  const pending: ChatMessage[] = [];
  for (const [clientId, attempt] of attempts) {
    const thread = threadOf(attempt.conversationId);
    const message = thread && findUnconfirmed(thread, clientId);
    if (!message) attempts.delete(clientId);
    else if (message.status === 'pending') pending.push({ ...message });
  }
  pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const message of pending) void deliver(message);
}

export function resetOutbox(): void {
  attempts.clear();
}
