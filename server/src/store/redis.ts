import { Redis } from 'ioredis';
import type { Config } from '../config/serverConfig.js';
import type { Logger } from '../logger.js';

export type { Redis } from 'ioredis';

/** Reconnect quickly at first, then every 2 s at most, forever. */
export const redisRetryStrategy = (attempt: number): number => Math.min(100 * attempt, 2000);

/**
 * ioredis client for REDIS_URL (lazy: connect with connectRedis()), or null without Redis.
 * Keys are not prefixed by ioredis (SCAN patterns would not be); use `config.redisPrefix`.
 */
export function createRedis(config: Pick<Config, 'redisUrl'>, logger: Logger): Redis | null {
  if (!config.redisUrl) return null;
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    retryStrategy: redisRetryStrategy,
    maxRetriesPerRequest: 3,
    connectionName: `parley-server-${process.pid}`,
  });
  watchRedis(redis, logger, 'main');
  return redis;
}

/** Logs connection changes once per change instead of once per retry. */
export function watchRedis(redis: Redis, logger: Logger, role: string): void {
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ role, err: error.message }, 'redis connection error; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ role }, 'redis connection restored');
    down = false;
  });
}

/** Connects a lazy client, failing with a clear error after `timeoutMs`. */
export async function connectRedis(redis: Redis, timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  let timer: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  if (redis.status === 'wait') redis.connect().catch(() => undefined); // retried by retryStrategy
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Redis did not become ready within ${timeoutMs} ms (REDIS_URL)`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** PING with a deadline, for health checks. */
export async function pingRedis(redis: Redis, timeoutMs = 1500): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('redis did not answer in time')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** QUIT, or disconnect when Redis is not reachable. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
