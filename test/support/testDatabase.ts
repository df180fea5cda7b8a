/**
 * Throw-away PostgreSQL databases and Redis key prefixes for integration tests, so that test
 * files never see each other's data.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestDatabase {
  name: string;
  /** DATABASE_URL of the new database. */
  url: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** Runs `fn` on a connection to the PostgreSQL admin database, closed afterwards. */
export async function withPostgresAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const registry = new Set<TestDatabase>();

/** Creates an empty database with a random name on the test PostgreSQL server. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 20);
  const name = `parley_${safeLabel}_${randomBytes(5).toString('hex')}`;
  await withPostgresAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const db: TestDatabase = {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      registry.delete(db);
      await withPostgresAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
  registry.add(db);
  return db;
}

/** Drops every database this process created and has not dropped yet (for afterAll). */
export async function dropAllTestDatabases(): Promise<void> {
  await Promise.allSettled([...registry].map((db) => db.drop()));
}

/** A Redis key prefix no other test uses, e.g. `parley-test:1a2b3c4d:`. */
export function freshRedisPrefix(label = 'test'): string {
  return `parley-${label}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK), e.g. after a test file. */
export async function clearRedisPrefix(prefix: string, redisUrl = TEST_REDIS_URL): Promise<number> {
  if (!/^[^*?[\]]{4,}$/.test(prefix)) throw new Error(`refusing to clear Redis prefix "${prefix}"`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) removed += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return removed;
}
