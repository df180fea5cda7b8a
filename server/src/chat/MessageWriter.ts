import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import {
  createInsertMessages,
  DEDUPE_KEY,
  MESSAGE_COLUMNS,
  type InsertMessages,
  type NewMessage,
} from './messageInsert.js';
import type { MessageRow } from './wire.js';

export { MESSAGE_COLUMNS, type NewMessage } from './messageInsert.js';

export interface WrittenMessage {
  row: MessageRow;
  /** false when (conversation, sender, clientId) was already stored: this is that message. */
  created: boolean;
}

export interface MessageWriterOptions {
  /** Batches written at the same time (default 2). */
  concurrency?: number;
  /** Messages per INSERT at most (default 100). */
  maxBatch?: number;
  /** The INSERT itself (default: the fastest the database supports, see messageInsert.ts). */
  insert?: InsertMessages;
  /** Messages waiting (not yet being written) at most; beyond, `write` refuses (default 10 000). */
  maxQueue?: number | undefined;
}

/** The wait a refused write suggests (the writer drains its queue in batches within about this). */
const BUSY_RETRY_MS = 1000;

interface Pending {
  message: NewMessage;
  resolve(written: WrittenMessage): void;
  reject(error: unknown): void;
}

const keyOf = (conversationId: string, senderId: string, clientId: string) =>
  `${conversationId} ${senderId} ${clientId}`;
const messageKey = (m: NewMessage) => keyOf(m.conversationId, m.senderId, m.clientId);
const rowKey = (r: MessageRow) => keyOf(r.conversation_id, r.sender_id, r.client_id);

/**
 * Stores messages in batches. While batches are being written (at most `concurrency` at once),
 * new messages queue and go together in the next one: one multi-row INSERT ... ON CONFLICT DO
 * NOTHING RETURNING and one commit for all of them. A message that finds nothing being written
 * goes at once, alone, so batching adds no delay at low rates and grows with the load.
 * Each promise resolves after its message is committed. The queue is bounded (`maxQueue`):
 * past it a write is refused at once with `unavailable` (and `retryAfterMs`), never queued
 * without end behind a flood.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private writing = 0;
  private readonly concurrency: number;
  private readonly maxBatch: number;
  private readonly insertRows: InsertMessages;
  private readonly maxQueue: number;

  constructor(
    private readonly db: Knex,
    options: MessageWriterOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.maxBatch = options.maxBatch ?? 100;
    this.insertRows = options.insert ?? createInsertMessages(db);
    this.maxQueue = options.maxQueue ?? 10_000;
  }

  /** Messages waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  write(message: NewMessage): Promise<WrittenMessage> {
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        new AppError(
          'unavailable',
          'too many messages waiting to be stored; retry shortly',
          undefined,
          {},
          BUSY_RETRY_MS,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.writing < this.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.writing++;
      void this.writeBatch(batch).finally(() => {
        this.writing--;
        this.pump();
      });
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      const written = await this.insert(batch.map((p) => p.message));
      batch.forEach((p, i) => p.resolve(written[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad row must not fail the others: write them one by one.
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve((await this.insert([p.message]))[0]!);
          } catch (single) {
            p.reject(single);
          }
        }),
      );
    }
  }

  /** Inserts the batch, then reads the stored rows of the ones that conflicted; input order. */
  private async insert(messages: NewMessage[]): Promise<WrittenMessage[]> {
    const fresh = new Map((await this.insertRows(messages)).map((row) => [rowKey(row), row]));
    const written: WrittenMessage[] = [];
    const conflicted: number[] = [];
    messages.forEach((m, i) => {
      const row = fresh.get(messageKey(m));
      if (row) {
        written[i] = { row, created: true };
        fresh.delete(messageKey(m)); // a second copy in the same batch is a resend of this one
      } else {
        conflicted.push(i);
      }
    });
    if (conflicted.length > 0) {
      const stored = await this.db('messages')
        .select<MessageRow[]>(MESSAGE_COLUMNS)
        .whereIn(
          DEDUPE_KEY,
          conflicted.map((i) => [messages[i]!.conversationId, messages[i]!.senderId, messages[i]!.clientId]),
        );
      const byKey = new Map(stored.map((row) => [rowKey(row), row]));
      for (const i of conflicted) {
        const row = byKey.get(messageKey(messages[i]!));
        if (!row) throw new Error('message vanished after a dedupe conflict');
        written[i] = { row, created: false };
      }
    }
    return written;
  }
}
