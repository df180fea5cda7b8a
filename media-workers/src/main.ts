/**
 * The media node process: `node media-workers/dist/main.js`. Configured by environment (see
 * config.ts); drains on SIGTERM (docs/operations.md "Draining a media node"), stops on SIGINT.
 */
import { join } from 'node:path';
import { ConfigError, parseConfig } from './config.js';
import { createLogger } from './logger.js';
import { startMediaNode } from './MediaNode.js';
import { readOrCreateSecretFile } from '@parley/protocol/internal';

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (config.secret === '') {
    // Development: the secret generated for this DATA_DIR, the file the server of the same
    // DATA_DIR reads (`npm start` runs both), never a fixed string a web page could know.
    const path = join(config.dataDir, 'media-secret');
    try {
      config.secret = readOrCreateSecretFile(path);
    } catch (error) {
      process.stderr.write(
        `Invalid configuration: DATA_DIR must be writable to keep the generated media secret at ${path} (${(error as Error).message}); or set MEDIA_SECRET\n`,
      );
      process.exit(1);
    }
  }
  const logger = createLogger(config.logLevel, config.nodeId);
  if (config.isProduction && config.rpcOnEveryInterface) {
    logger.warn(
      'MEDIA_RPC_HOST listens on every interface: keep the RPC port behind a firewall, reachable by the signalling servers only',
    );
  }
  if (['0.0.0.0', '::'].includes(config.listenIp) && !config.announcedAddress) {
    logger.warn(
      'MEDIA_ANNOUNCED_ADDRESS is not set and no external IPv4 was found: ICE candidates will carry the wildcard address',
    );
  }

  let node;
  try {
    node = await startMediaNode(config, logger);
  } catch (error) {
    logger.fatal({ err: error }, 'media node failed to start');
    process.exit(1);
  }

  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping media node');
    const force = setTimeout(() => {
      logger.error('graceful stop took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    node
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      });
  };
  // SIGTERM (or the `drain` RPC) drains: servers move the node's meetings to other nodes; the
  // node stops once it is empty or after MEDIA_DRAIN_MAX_MS. A second SIGTERM, or SIGINT, stops now.
  void node.drain.finished.then((end) => stop(`drained (${end})`));
  process.on('SIGTERM', () => {
    if (node.drain.draining) stop('SIGTERM (second)');
    else node.drain.start();
  });
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
