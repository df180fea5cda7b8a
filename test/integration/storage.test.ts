/**
 * Storage start-up: the same migrations on PGlite and PostgreSQL, concurrent migration runs,
 * `--migrate-only`, and a bad configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/logger.js';
import { createDb, migrateLatest, type Knex } from '../../server/src/store/db.js';
import { buildServer, runServerCommand } from '../support/serverProcess.js';
import { createTestDatabase, dropAllTestDatabases } from '../support/testDatabase.js';

const logger = createLogger({ logLevel: 'silent' });
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-storage-'));
  tempDirs.push(dir);
  return dir;
};

async function usersColumns(db: Knex): Promise<string[]> {
  const result = await db('information_schema.columns').where({ table_name: 'users' }).pluck('column_name');
  return (result as string[]).sort();
}

async function appliedMigrations(db: Knex): Promise<string[]> {
  return (await db('knex_migrations').orderBy('id').pluck('name')) as string[];
}

beforeAll(() => buildServer());

afterAll(async () => {
  await dropAllTestDatabases();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('run on the embedded PGlite, and a second run is a no-op', async () => {
    const dataDir = tempDir();
    const db = createDb({ databaseUrl: null, dataDir }, logger);
    try {
      const applied = await migrateLatest(db, logger);
      expect(applied).toContain('001_users.mjs');
      expect(await usersColumns(db)).toEqual(['created_at', 'display_name', 'id', 'password_hash', 'username']);
      expect(await migrateLatest(db, logger)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('run the same files on PostgreSQL, also when two instances migrate at once', async () => {
    const database = await createTestDatabase('migrate');
    const first = createDb({ databaseUrl: database.url, dataDir: tempDir() }, logger);
    const second = createDb({ databaseUrl: database.url, dataDir: tempDir() }, logger);
    try {
      const [x, y] = await Promise.all([migrateLatest(first, logger), migrateLatest(second, logger)]);
      // One run applied everything, the other found nothing left to do.
      expect([x.length, y.length].sort()).toEqual([0, expect.any(Number)]);
      expect([...x, ...y]).toContain('001_users.mjs');
      const names = await appliedMigrations(first);
      expect(new Set(names).size).toBe(names.length);
      expect(await usersColumns(first)).toEqual(['created_at', 'display_name', 'id', 'password_hash', 'username']);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
      await database.drop();
    }
  });

  it('release a knex migration lock left behind by a crashed run', async () => {
    const database = await createTestDatabase('lock');
    const db = createDb({ databaseUrl: database.url, dataDir: tempDir() }, logger);
    try {
      await migrateLatest(db, logger);
      await db('knex_migrations_lock').update({ is_locked: 1 });
      await db('knex_migrations').where({ name: '001_users.mjs' }).del();
      await db.raw('DROP TABLE IF EXISTS users CASCADE');
      expect(await migrateLatest(db, logger)).toEqual(['001_users.mjs']);
      expect((await db<{ is_locked: number }>('knex_migrations_lock').first())?.is_locked).toBe(0);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  it('node server/dist/main.js --migrate-only applies them and exits 0', async () => {
    const database = await createTestDatabase('migrate_only');
    const result = await runServerCommand(['--migrate-only'], { DATABASE_URL: database.url });
    expect(result.code, result.output).toBe(0);
    const db = createDb({ databaseUrl: database.url, dataDir: tempDir() }, logger);
    try {
      expect(await appliedMigrations(db)).toContain('001_users.mjs');
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});

describe('process start-up', () => {
  it('stops on a bad value with one clear line naming the variable', async () => {
    const result = await runServerCommand([], { PORT: 'abc' });
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe('Invalid configuration: PORT must be an integer 1-65535 (got "abc")');
  });
});
