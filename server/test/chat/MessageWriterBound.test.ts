import type { Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/appError.js';
import { MessageWriter, type NewMessage } from '../../src/chat/MessageWriter.js';
import type { MessageRow } from '../../src/chat/wire.js';

const message = (i: number): NewMessage => ({ conversationId: 'c', senderId: 'u', clientId: `m${i}`, text: `t${i}` });

describe('MessageWriter queue bound', () => {
  it('refuses writes past maxQueue with unavailable and a retry hint, and accepts again once drained', async () => {
    const pending: Array<{ rows: NewMessage[]; done: (rows: MessageRow[]) => void }> = [];
    const insert = (rows: NewMessage[]) => new Promise<MessageRow[]>((done) => pending.push({ rows, done }));
    const writer = new MessageWriter({} as Knex, { concurrency: 1, maxBatch: 10, maxQueue: 3, insert });
    const first = writer.write(message(0)); // being written
    const queued = [1, 2, 3].map((i) => writer.write(message(i)));
    expect(writer.queued).toBe(3);
    const refused = await writer.write(message(4)).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).toInfo()).toMatchObject({ code: 'unavailable', retryAfterMs: 1000 });
    const rowOf = (m: NewMessage, id: number): MessageRow => ({
      id: String(id),
      conversation_id: m.conversationId,
      sender_id: m.senderId,
      client_id: m.clientId,
      text: m.text,
      created_at: new Date(),
    });
    pending.shift()!.done([rowOf(message(0), 0)]);
    expect((await first).created).toBe(true);
    await Promise.resolve();
    const batch = pending.shift()!;
    expect(batch.rows).toHaveLength(3);
    batch.done(batch.rows.map((m, i) => rowOf(m, i + 1)));
    expect((await Promise.all(queued)).every((w) => w.created)).toBe(true);
    expect(writer.queued).toBe(0);
  });
});
