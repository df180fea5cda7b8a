import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../appError.js';

/**
 * A fixed-window counter (rate-limiter-flexible): in Redis when present, so every instance
 * shares it, with an in-memory stand-in while Redis is away; in memory otherwise.
 */
export function createRateLimiter(
  redis: Redis | null,
  keyPrefix: string,
  points: number,
  durationSeconds: number,
): RateLimiterAbstract {
  if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds });
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: durationSeconds,
    // When Redis is away, keep limiting per instance rather than failing the request.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationSeconds }),
  });
}

/** Seconds until the window of a refused consume ends (at least 1). */
export const retrySeconds = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export function rateLimited(what: string, seconds: number): AppError {
  return new AppError('rate_limited', `${what}; retry in ${seconds} s`, undefined, { 'Retry-After': String(seconds) });
}

/**
 * Takes `points` from `key` or throws 429 `rate_limited` (with Retry-After). A refused request
 * gives its points back, so it does not lengthen the wait.
 */
export async function consumeOrThrow(
  limiter: RateLimiterAbstract,
  key: string,
  points: number,
  what: string,
): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    await limiter.reward(key, points).catch(() => undefined);
    throw rateLimited(what, retrySeconds(rejection));
  }
}
