import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import knexPkg, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { Model } from 'objection';
import type { Config } from '../config/serverConfig.js';
import { REPO_ROOT } from '../config/serverConfig.js';
import type { Logger } from '../logger.js';

export type { Knex } from 'knex';

/** Plain ESM `.mjs` files, loadable from server/src (tsx, vitest) and server/dist alike. */
export const MIGRATIONS_DIR = join(REPO_ROOT, 'migrations');

const migrationConfig: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIR,
  loadExtensions: ['.mjs'],
  tableName: 'knex_migrations',
};

/** Any 32-bit number, the same in every Parley process: serialises migrations across instances. */
const MIGRATION_ADVISORY_LOCK = 0x5041524c; // "PARL"

function knexLog(logger: Logger): Knex.Config['log'] {
  return {
    warn: (message: unknown) => logger.warn({ knex: message }, 'knex warning'),
    error: (message: unknown) => logger.error({ knex: message }, 'knex error'),
    deprecate: (message: unknown) => logger.debug({ knex: message }, 'knex deprecation'),
    debug: (message: unknown) => logger.debug({ knex: message }, 'knex debug'),
  };
}

/**
 * knex on PostgreSQL (DATABASE_URL) or on the embedded PGlite under `<dataDir>/pglite`, so the
 * same knex/objection code runs on both. Binds objection's Model to it.
 */
export function createDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger: Logger): Knex {
  let db: Knex;
  if (config.databaseUrl) {
    db = knexPkg.knex({
      client: 'pg',
      connection: config.databaseUrl,
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: 10_000,
      log: knexLog(logger),
    });
  } else {
    const filename = join(config.dataDir, 'pglite');
    mkdirSync(config.dataDir, { recursive: true });
    db = knexPkg.knex({
      client: ClientPgLite,
      dialect: 'postgres',
      connection: { filename },
      log: knexLog(logger),
    });
  }
  Model.knex(db);
  return db;
}

export function isPglite(db: Knex): boolean {
  return db.client instanceof ClientPgLite;
}

function isMigrationLocked(error: unknown): boolean {
  return error instanceof Error && error.name === 'MigrationLocked';
}

async function latestFreeingStaleLock(db: Knex, logger: Logger): Promise<string[]> {
  try {
    const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
    return applied;
  } catch (error) {
    // We hold the cross-instance lock (or own the embedded database), so a held knex lock can
    // only be left over from a process that died while migrating.
    if (!isMigrationLocked(error)) throw error;
    logger.warn('knex migration lock left over from an interrupted run; releasing it');
    await db.migrate.forceFreeMigrationsLock(migrationConfig);
    const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
    return applied;
  }
}

/**
 * Applies pending migrations. On PostgreSQL, instances starting together queue on an advisory
 * lock (released by PostgreSQL even if the holder dies), and knex's own migration lock guards
 * each run. PGlite is owned by one process, so it needs no cross-instance lock.
 */
export async function migrateLatest(db: Knex, logger: Logger): Promise<string[]> {
  let applied: string[];
  if (isPglite(db)) {
    applied = await latestFreeingStaleLock(db, logger);
  } else {
    applied = await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_ADVISORY_LOCK]);
      return latestFreeingStaleLock(db, logger);
    });
  }
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrations applied');
  else logger.debug('database schema up to date');
  return applied;
}

/** `select 1` with a deadline, for health checks. */
export async function pingDb(db: Knex, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.raw('select 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('database did not answer in time')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
