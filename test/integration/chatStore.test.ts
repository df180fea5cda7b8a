/**
 * The chat domain (migrations, services, membership cache) in process, on PostgreSQL and on the
 * embedded PGlite alike: the same migrations and queries must behave the same on both.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import knexPkg from 'knex';
import ClientPgLite from 'knex-pglite';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatServices, type ChatServices } from '../../server/src/chat/createChatServices.js';
import { createDb, migrateLatest, type Knex } from '../../server/src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

const logger = pino({ level: 'silent' });

interface Backend {
  db: Knex;
  chat: ChatServices;
  close(): Promise<void>;
}

/** PostgreSQL: a fresh database. PGlite: in memory (the server's file-backed PGlite runs the same SQL). */
async function openBackend(kind: 'postgres' | 'pglite'): Promise<Backend> {
  const testDb: TestDatabase | null = kind === 'postgres' ? await createTestDatabase('chat_store') : null;
  const db = testDb
    ? createDb({ databaseUrl: testDb.url, dataDir: tmpdir() }, logger)
    : knexPkg.knex({ client: ClientPgLite, dialect: 'postgres', connection: { connectionString: 'memory://' } });
  await migrateLatest(db, logger);
  const chat = createChatServices({ db, redis: null, redisPrefix: 'unused:', logger });
  return {
    db,
    chat,
    async close() {
      await chat.close();
      await db.destroy();
      await testDb?.drop();
    },
  };
}

async function addUser(db: Knex, username: string): Promise<string> {
  const id = randomUUID();
  await db('users').insert({ id, username, display_name: username.toUpperCase(), password_hash: 'x' });
  return id;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; field?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; field?: string };
  }
  throw new Error('expected a rejection');
}

describe.each(['postgres', 'pglite'] as const)('chat domain on %s', (kind) => {
  let backend: Backend;
  let db: Knex;
  let chat: ChatServices;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeAll(async () => {
    backend = await openBackend(kind);
    ({ db, chat } = backend);
    alice = await addUser(db, 'alice');
    bob = await addUser(db, 'bob');
    carol = await addUser(db, 'carol');
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('makes exactly one direct conversation per pair, even for concurrent adds in both directions', async () => {
    const [ab, ba] = await Promise.all([chat.contacts.add(alice, bob), chat.contacts.add(bob, alice)]);
    expect(ab.conversationId).toBe(ba.conversationId);
    expect(ab.user).toEqual({ id: bob, username: 'bob', displayName: 'BOB' });
    const again = await chat.contacts.add(alice, bob);
    expect(again.conversationId).toBe(ab.conversationId);
    const direct = await db('conversations').where({ kind: 'direct' });
    expect(direct).toHaveLength(1);
    expect((await chat.contacts.list(bob)).map((c) => c.user.id)).toEqual([alice]);
    expect(await chat.contacts.contactIdsOf(alice)).toEqual([bob]);
    expect((await chat.membership.members(ab.conversationId))?.size).toBe(2);
  });

  it('refuses adding yourself or unknown users', async () => {
    expect(await rejection(chat.contacts.add(alice, alice))).toMatchObject({ code: 'bad_request', field: 'userId' });
    expect(await rejection(chat.contacts.add(alice, randomUUID()))).toMatchObject({ code: 'not_found' });
    expect(await rejection(chat.contacts.add(alice, 'not-a-uuid'))).toMatchObject({ code: 'not_found' });
  });

  it('dedupes by (sender, clientId) and sends ids as increasing decimal strings', async () => {
    const { conversationId } = await chat.contacts.add(alice, bob);
    const first = await chat.messages.send(alice, { conversationId, clientId: 'c-1', text: 'hello' });
    const resent = await chat.messages.send(alice, { conversationId, clientId: 'c-1', text: 'hello again' });
    const other = await chat.messages.send(bob, {
      conversationId,
      clientId: 'c-1',
      text: 'same clientId, other sender',
    });
    expect(first.created).toBe(true);
    expect(resent.created).toBe(false);
    expect(resent.message).toEqual(first.message);
    expect(other.created).toBe(true);
    expect(first.message.id).toMatch(/^[0-9]+$/);
    expect(BigInt(other.message.id)).toBeGreaterThan(BigInt(first.message.id));
    expect(first.message.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect([...first.memberIds].sort()).toEqual([alice, bob].sort());
  });

  it('writes concurrent sends in batches: resends share the stored message, a bad row fails alone', async () => {
    const { conversationId } = await chat.contacts.add(bob, carol);
    const sends = Array.from({ length: 40 }, (_, i) =>
      chat.messages.send(bob, { conversationId, clientId: `batch-${i % 30}`, text: `batched ${i}` }),
    );
    const tooLong = rejection(chat.messages.send(carol, { conversationId, clientId: 'long', text: 'x'.repeat(4001) }));
    const results = await Promise.all(sends);
    expect(await tooLong).toBeInstanceOf(Error);
    expect(results.filter((r) => r.created)).toHaveLength(30);
    for (let i = 30; i < 40; i++) {
      expect(results[i]!.created).toBe(false);
      expect(results[i]!.message).toEqual(results[i - 30]!.message);
    }
    expect(new Set(results.map((r) => r.message.id)).size).toBe(30);
    const stored = await chat.messages.history(carol, conversationId, { limit: 100 });
    expect(stored.map((m) => m.clientId).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `batch-${i}`).sort());
  });

  it('pages history with a before cursor, oldest first, and hides it from non-members', async () => {
    const group = await chat.conversations.createGroup(alice, { title: 'paging', memberIds: [bob] });
    const sent: string[] = [];
    for (let i = 0; i < 25; i++) {
      sent.push(
        (await chat.messages.send(i % 2 ? bob : alice, { conversationId: group.id, clientId: `p${i}`, text: `m${i}` }))
          .message.id,
      );
    }
    const latest = await chat.messages.history(alice, group.id, { limit: 10 });
    expect(latest.map((m) => m.id)).toEqual(sent.slice(15));
    const older = await chat.messages.history(alice, group.id, { limit: 10, before: latest[0]!.id });
    expect(older.map((m) => m.id)).toEqual(sent.slice(5, 15));
    const oldest = await chat.messages.history(bob, group.id, { limit: 100, before: older[0]!.id });
    expect(oldest.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(await chat.messages.history(alice, group.id, { limit: 10, before: sent[0]! })).toEqual([]);
    expect(await chat.messages.history(alice, group.id, { limit: 2, before: '9999999999999999999' })).toHaveLength(2);
    expect(await rejection(chat.messages.history(carol, group.id, { limit: 10 }))).toMatchObject({ code: 'not_found' });
    expect(
      await rejection(chat.messages.send(carol, { conversationId: group.id, clientId: 'x', text: 'hi' })),
    ).toMatchObject({
      code: 'not_found',
    });
  });

  it('counts unread messages from others and only moves the read mark forward', async () => {
    const group = await chat.conversations.createGroup(alice, { title: 'unread', memberIds: [bob, carol] });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(
        (await chat.messages.send(bob, { conversationId: group.id, clientId: `u${i}`, text: `u${i}` })).message.id,
      );
    }
    await chat.messages.send(alice, { conversationId: group.id, clientId: 'mine', text: 'my own' });
    const unreadOf = async (userId: string) =>
      (await chat.conversations.list(userId)).find((c) => c.id === group.id)?.unreadCount;
    expect(await unreadOf(alice)).toBe(4);
    expect(await unreadOf(bob)).toBe(1);

    expect(await chat.readState.markRead(alice, group.id, ids[1]!)).toEqual({
      conversationId: group.id,
      messageId: ids[1],
      unreadCount: 2,
    });
    const stale = await chat.readState.markRead(alice, group.id, ids[0]!);
    expect(stale.messageId).toBe(ids[1]);
    expect(stale.unreadCount).toBe(2);
    const listed = (await chat.conversations.list(alice)).find((c) => c.id === group.id);
    expect(listed).toMatchObject({ unreadCount: 2, lastReadMessageId: ids[1], kind: 'group', title: 'unread' });
    expect(listed?.lastMessage).toMatchObject({ text: 'my own', senderId: alice });

    const elsewhere = await chat.contacts.add(alice, carol);
    const foreign = await chat.messages.send(carol, {
      conversationId: elsewhere.conversationId,
      clientId: 'f',
      text: 'f',
    });
    expect(await rejection(chat.readState.markRead(alice, group.id, foreign.message.id))).toMatchObject({
      code: 'not_found',
      field: 'messageId',
    });
    expect(await rejection(chat.readState.markRead(alice, group.id, '9999999999999999999'))).toMatchObject({
      code: 'not_found',
    });
  });

  it('creates groups with the caller as a member and names an unknown member id', async () => {
    const group = await chat.conversations.createGroup(alice, { title: 'trio', memberIds: [bob, carol, bob] });
    expect(group.members.map((m) => m.username).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(group).toMatchObject({ kind: 'group', title: 'trio', unreadCount: 0, lastMessage: null });
    const missing = await rejection(
      chat.conversations.createGroup(alice, { title: 'x', memberIds: [bob, randomUUID()] }),
    );
    expect(missing).toMatchObject({ code: 'bad_request', field: 'memberIds.1' });
    expect(await rejection(chat.conversations.createGroup(alice, { title: 'x', memberIds: ['nope'] }))).toMatchObject({
      field: 'memberIds.0',
    });
  });

  it('searches usernames by prefix, without the caller, with LIKE wildcards taken literally', async () => {
    await addUser(db, 'al_x');
    await addUser(db, 'alpha');
    expect((await chat.users.search(bob, 'AL')).map((u) => u.username)).toEqual(['al_x', 'alice', 'alpha']);
    expect((await chat.users.search(alice, 'al')).map((u) => u.username)).toEqual(['al_x', 'alpha']);
    expect((await chat.users.search(bob, 'al_')).map((u) => u.username)).toEqual(['al_x']);
    expect(await chat.users.search(bob, '%')).toEqual([]);
    for (let i = 0; i < 25; i++) await addUser(db, `many${String(i).padStart(2, '0')}`);
    expect(await chat.users.search(bob, 'many')).toHaveLength(20);
  });
});
