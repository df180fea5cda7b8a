/**
 * History paging, unread counts and sending on one conversation of many messages (default 1M),
 * through the chat services on a fresh PostgreSQL database.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { createChatServices, createDb, migrateLatest } from '@parley/server';
import { createTestDatabase } from '../../test/support/testDatabase.js';
import { Samples } from './stats.js';

export interface QueryTiming {
  name: string;
  medianMs: number;
  p95Ms: number;
}

const RUNS = 30;
const count = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n));
const FILLERS = 999;

async function time(name: string, run: (i: number) => Promise<unknown>): Promise<QueryTiming> {
  await run(-1); // warm
  const samples = new Samples();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i);
    samples.add(performance.now() - start);
  }
  const [medianMs, p95Ms] = samples.percentiles([50, 95]);
  return { name, medianMs: medianMs!, p95Ms: p95Ms! };
}

export async function timeQueries(messages: number, log: (line: string) => void): Promise<QueryTiming[]> {
  const logger = pino({ level: 'silent' });
  const database = await createTestDatabase('bench_queries');
  const db = createDb({ databaseUrl: database.url, dataDir: '/nonexistent' }, logger);
  try {
    await migrateLatest(db, logger);
    const chat = createChatServices({ db, redis: null, redisPrefix: 'unused:', logger });
    const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
    await db('users').insert(
      [alice, bob, carol].map((id, i) => ({ id, username: `q${i}`, display_name: `Q${i}`, password_hash: 'x' })),
    );
    const { conversationId } = await chat.contacts.add(alice, bob);
    const dormant = await chat.contacts.add(alice, carol);
    for (let i = 0; i < 5; i++) {
      await chat.messages.send(carol, {
        conversationId: dormant.conversationId,
        clientId: `old${i}`,
        text: 'long ago',
      });
    }
    log(`queries: seeding ${messages} messages (half in one conversation, half over ${FILLERS} others) ...`);
    const seedStart = performance.now();
    await db.raw(
      `INSERT INTO conversations (id, kind, title, created_by)
       SELECT gen_random_uuid(), 'group', 'filler ' || g, ? FROM generate_series(1, ?) g`,
      [carol, FILLERS],
    );
    await db.raw(
      `INSERT INTO conversation_members (conversation_id, user_id)
       SELECT id, ? FROM conversations WHERE title LIKE 'filler %'`,
      [carol],
    );
    await db.raw(
      `WITH fillers AS (SELECT id, row_number() OVER () - 1 AS n FROM conversations WHERE title LIKE 'filler %')
       INSERT INTO messages (conversation_id, sender_id, client_id, text)
       SELECT CASE WHEN g % 2 = 0 THEN ?::uuid ELSE f.id END,
              CASE WHEN g % 2 = 1 THEN ?::uuid WHEN g % 4 = 0 THEN ?::uuid ELSE ?::uuid END,
              'seed-' || g, 'seeded message number ' || g
         FROM generate_series(1, ?) g JOIN fillers f ON f.n = g % ?`,
      [conversationId, carol, alice, bob, messages, FILLERS],
    );
    await db.raw('VACUUM ANALYZE');
    log(`queries: seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const ids = await db('messages').where('conversation_id', conversationId).min('id as min').max('id as max').first();
    const { min, max } = ids as { min: string; max: string };
    const middle = String((BigInt(min) + BigInt(max)) / 2n);
    // 200 messages from the end of the big conversation: ~100 of them are bob's.
    const nearEnd = await db('messages')
      .where('conversation_id', conversationId)
      .orderBy('id', 'desc')
      .offset(200)
      .first<{ id: string } | undefined>('id');
    if (!nearEnd) throw new Error('queries: the seeded conversation has fewer than 200 messages');

    const timings: QueryTiming[] = [];
    timings.push(
      await time(`history: latest 50 (${count(messages / 2)}-message conversation)`, () =>
        chat.messages.history(alice, conversationId, { limit: 50 }),
      ),
    );
    timings.push(
      await time('history: 100 before a cursor in the middle', () =>
        chat.messages.history(alice, conversationId, { limit: 100, before: middle }),
      ),
    );
    timings.push(
      await time('history: a dormant conversation (5 old messages)', () =>
        chat.messages.history(alice, dormant.conversationId, { limit: 50 }),
      ),
    );
    await chat.readState.markRead(alice, conversationId, String(nearEnd.id));
    timings.push(
      await time('mark_read, ~100 unread left', () =>
        chat.readState.markRead(alice, conversationId, String(nearEnd.id)),
      ),
    );
    timings.push(await time('conversation list: busy (~100 unread) + dormant', () => chat.conversations.list(alice)));
    timings.push(
      await time(`conversation list: nothing read (${count(messages / 4)} unread, capped)`, () =>
        chat.conversations.list(bob),
      ),
    );
    timings.push(
      await time(`send (insert + commit), ${count(messages)} rows in the table`, (i) =>
        chat.messages.send(alice, { conversationId: dormant.conversationId, clientId: `q${i}`, text: 'timed' }),
      ),
    );
    await chat.close();
    return timings;
  } finally {
    await db.destroy();
    await database.drop();
  }
}
