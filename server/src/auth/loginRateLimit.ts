import type { Redis } from 'ioredis';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config/serverConfig.js';
import { createRateLimiter, rateLimited, retrySeconds } from '../limits/rateLimiter.js';

export interface LoginRateLimiter {
  /**
   * Counts this attempt against the IP and the IP+username pair BEFORE the password is checked,
   * and throws 429 `rate_limited` (with Retry-After) past either limit. Counting first is what
   * holds against a parallel burst: 50 guesses at once get at most the limit of answers.
   */
  consume(ip: string, username: string): Promise<void>;
  /** A successful login: its IP point comes back and the pair's count is cleared. */
  succeeded(ip: string, username: string): Promise<void>;
  /** An attempt that was never judged (the server was busy): its points come back. */
  refund(ip: string, username: string): Promise<void>;
}

export interface RegisterRateLimiter {
  /** Counts a registration against the IP (REGISTER_RATE_LIMIT per hour); 429 past it. */
  consume(ip: string): Promise<void>;
  /** A registration that was never judged (the server was busy): its point comes back. */
  refund(ip: string): Promise<void>;
}

type Options = Pick<Config, 'loginRateLimit' | 'redisPrefix'>;

const pairKey = (ip: string, username: string) => `${ip}|${username.trim().toLowerCase()}`;

/**
 * Brute-force protection for login (rate-limiter-flexible): attempts are counted per
 * IP+username and per IP over a 15 minute window, in Redis when present (shared by every
 * instance) or in memory. Successful logins give their points back, so many users behind one
 * address can still sign in. `ip` is Koa's ctx.ip: with TRUST_PROXY=<hops> a client cannot
 * choose it with its own X-Forwarded-For.
 */
export function createLoginRateLimiter(redis: Redis | null, options: Options): LoginRateLimiter {
  const { perUser, perIp, windowSeconds } = options.loginRateLimit;
  const byPair = createRateLimiter(redis, `${options.redisPrefix}login-fail:pair`, perUser, windowSeconds);
  const byIp = createRateLimiter(redis, `${options.redisPrefix}login-fail:ip`, perIp, windowSeconds);
  const giveBack = (limiter: RateLimiterAbstract, key: string) => limiter.reward(key, 1).catch(() => undefined);

  return {
    async consume(ip, username) {
      const results = await Promise.allSettled([byPair.consume(pairKey(ip, username)), byIp.consume(ip)]);
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (refused.length === 0) return;
      const error = refused.find((reason) => !(reason instanceof RateLimiterRes));
      if (error !== undefined) throw error instanceof Error ? error : new Error('login rate limiter failed');
      const wait = Math.max(...refused.map((reason) => retrySeconds(reason as RateLimiterRes)));
      throw rateLimited('too many login attempts', wait);
    },
    async succeeded(ip, username) {
      await Promise.all([byPair.delete(pairKey(ip, username)).catch(() => undefined), giveBack(byIp, ip)]);
    },
    async refund(ip, username) {
      await Promise.all([giveBack(byPair, pairKey(ip, username)), giveBack(byIp, ip)]);
    },
  };
}

/** Registrations per IP per hour (REGISTER_RATE_LIMIT), counted before the password is hashed. */
export function createRegisterRateLimiter(
  redis: Redis | null,
  options: Pick<Config, 'limits' | 'redisPrefix'>,
): RegisterRateLimiter {
  const byIp = createRateLimiter(redis, `${options.redisPrefix}register:ip`, options.limits.registerPerIpPerHour, 3600);
  return {
    async consume(ip) {
      try {
        await byIp.consume(ip);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw rateLimited('too many registrations from this address', retrySeconds(rejection));
      }
    },
    async refund(ip) {
      await byIp.reward(ip, 1).catch(() => undefined);
    },
  };
}
