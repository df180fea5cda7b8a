import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../appError.js';
import type { Config } from '../config.js';

export interface LoginRateLimiter {
  /** Throws 429 `rate_limited` (with Retry-After) when this IP or IP+username is blocked. */
  check(ip: string, username: string): Promise<void>;
  /** Counts a failed attempt against the IP and the IP+username pair. */
  recordFailure(ip: string, username: string): Promise<void>;
  /** A successful login clears the IP+username count. */
  recordSuccess(ip: string, username: string): Promise<void>;
}

type Options = Pick<Config, 'loginRateLimit' | 'redisPrefix'>;

function limiter(redis: Redis | null, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration });
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // When Redis is away, keep limiting per instance rather than failing logins.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
  });
}

const pairKey = (ip: string, username: string) => `${ip}|${username.trim().toLowerCase()}`;

/**
 * Brute-force protection for login (rate-limiter-flexible): failed attempts are counted per
 * IP+username and per IP over a 15 minute window, in Redis when present (shared by every
 * instance) or in memory. Successful logins are not counted, so many users behind one address
 * can still sign in.
 */
export function createLoginRateLimiter(redis: Redis | null, options: Options): LoginRateLimiter {
  const { perUser, perIp, windowSeconds } = options.loginRateLimit;
  const byPair = limiter(redis, `${options.redisPrefix}login-fail:pair`, perUser, windowSeconds);
  const byIp = limiter(redis, `${options.redisPrefix}login-fail:ip`, perIp, windowSeconds);

  const blockedFor = (res: RateLimiterRes | null, points: number): number =>
    res && res.consumedPoints >= points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;

  return {
    async check(ip, username) {
      const [pair, address] = await Promise.all([byPair.get(pairKey(ip, username)), byIp.get(ip)]);
      const wait = Math.max(blockedFor(pair, perUser), blockedFor(address, perIp));
      if (wait > 0) {
        throw new AppError('rate_limited', `too many failed logins; retry in ${wait} s`, undefined, {
          'Retry-After': String(wait),
        });
      }
    },
    async recordFailure(ip, username) {
      const consume = (l: RateLimiterAbstract, key: string) =>
        l.consume(key).catch((rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return; // over the limit: check() answers next time
          throw rejection;
        });
      await Promise.all([consume(byPair, pairKey(ip, username)), consume(byIp, ip)]);
    },
    async recordSuccess(ip, username) {
      await byPair.delete(pairKey(ip, username));
    },
  };
}
