import { type WorkerLoad } from '@parley/protocol';
import {
  MEDIA_NODE_KEY_TTL_MS,
  MEDIA_NODE_REFRESH_MS,
  mediaNodeRedisKey,
  type MediaNodeRegistration,
} from '@parley/protocol/internal';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export interface RegistrationOptions {
  redisUrl: string;
  prefix: string;
  nodeId: string;
  url: string;
  startedAt: string;
  loads: () => WorkerLoad[];
  /** Whether the node is draining (written as `draining`). */
  draining?: () => boolean;
  logger: Logger;
}

export interface Registration {
  /** Writes the key now (e.g. the node started draining). */
  refresh(): Promise<void>;
  /** Stops refreshing and deletes the key. */
  stop(): Promise<void>;
}

/**
 * Registers the node in Redis for discovery: `<prefix>media:node:<id>` holds
 * {id, url, load, startedAt, draining?} and expires after 10 s unless refreshed (every 2 s), so a node
 * that dies without deregistering disappears on its own.
 */
export async function startRegistration(options: RegistrationOptions): Promise<Registration> {
  const { logger } = options;
  const key = mediaNodeRedisKey(options.prefix, options.nodeId);
  const redis = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    connectionName: `parley-media-${options.nodeId}`,
  });
  let healthy = true;
  redis.on('error', (error: Error) => {
    if (healthy) logger.warn({ err: error.message }, 'redis unavailable; media node registration retrying');
    healthy = false;
  });

  const write = async (): Promise<void> => {
    const value: MediaNodeRegistration = {
      id: options.nodeId,
      url: options.url,
      load: options.loads(),
      startedAt: options.startedAt,
      ...(options.draining?.() ? { draining: true } : {}),
    };
    await redis.set(key, JSON.stringify(value), 'PX', MEDIA_NODE_KEY_TTL_MS);
    if (!healthy) logger.info({ key }, 'media node registration restored');
    healthy = true;
  };

  try {
    await write();
    logger.info({ key, url: options.url }, 'media node registered in redis');
  } catch {
    // Not fatal: the node still serves static URLs, and the timer keeps trying.
  }
  let writing = false;
  const timer = setInterval(() => {
    if (writing) return;
    writing = true;
    write()
      .catch(() => undefined)
      .finally(() => (writing = false));
  }, MEDIA_NODE_REFRESH_MS);

  return {
    refresh: () => write().catch(() => undefined),
    async stop() {
      clearInterval(timer);
      try {
        await redis.del(key);
        logger.info({ key }, 'media node deregistered');
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'could not delete the registration (it expires in 10 s)');
      }
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
