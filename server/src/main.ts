#!/usr/bin/env node
/**
 * Process entry of a Parley signalling server: `node server/dist/main.js [--migrate-only]`.
 * loadConfig() → startParley(); SIGTERM/SIGINT stop gracefully and exit 0.
 */
import { startParley, type ParleyInstance } from './startParley.js';
import { ConfigError, loadConfig, type Config } from './config/serverConfig.js';
import { createLogger } from './logger.js';
import { createDb, migrateLatest } from './store/db.js';

/** The longest a graceful stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 15_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function migrateOnly(config: Config): Promise<void> {
  const logger = createLogger(config);
  const db = createDb(config, logger);
  try {
    const applied = await migrateLatest(db, logger);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'no pending migrations');
  } finally {
    await db.destroy();
  }
}

async function serve(config: Config): Promise<void> {
  const parley: ParleyInstance = await startParley(config);
  const { logger } = parley.ctx;

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stop requested');
    setTimeout(() => {
      logger.error('graceful stop took too long; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    parley.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'graceful stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}

const config = readConfig();
const run = process.argv.includes('--migrate-only') ? migrateOnly(config).then(() => process.exit(0)) : serve(config);
run.catch((error: unknown) => {
  process.stderr.write(`Parley failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  createLogger(config).fatal({ err: error }, 'failed to start');
  process.exit(1);
});
