import { randomUUID } from 'node:crypto';
import knexPkg from 'knex';
import ClientPgLite from 'knex-pglite';
import { pino } from 'pino';
import { createChatServices, type ChatDeps, type ChatServices } from '../../src/chat/createChatServices.js';
import { migrateLatest, type Knex } from '../../src/store/db.js';
import { RecordingClientRooms } from '../support/recordingClientRooms.js';

/** The chat services on an in-memory PGlite (the embedded server's database, migrated), sending to a recorder. */
export interface ChatFixture {
  db: Knex;
  chat: ChatServices;
  io: RecordingClientRooms;
  /** A new user; returns its id. */
  addUser(username: string): Promise<string>;
  close(): Promise<void>;
}

const logger = pino({ level: 'silent' });

export async function openChat(
  options: Partial<Pick<ChatDeps, 'limits' | 'typingIntervalMs'>> = {},
): Promise<ChatFixture> {
  const db = knexPkg.knex({ client: ClientPgLite, dialect: 'postgres', connection: { connectionString: 'memory://' } });
  await migrateLatest(db, logger);
  const io = new RecordingClientRooms();
  const chat = createChatServices({ db, redis: null, redisPrefix: 'unused:', logger, io, ...options });
  return {
    db,
    chat,
    io,
    async addUser(username) {
      const id = randomUUID();
      await db('users').insert({ id, username, display_name: username.toUpperCase(), password_hash: 'x' });
      return id;
    },
    async close() {
      await chat.close();
      await db.destroy();
    },
  };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code?: string; field?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; field?: string };
  }
  throw new Error('expected a rejection');
}
