import { eventRateOf, type ErrorInfo, type EventRate } from '@parley/protocol';
import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Limits } from '../config/limits.js';
import { createRateLimiter } from '../limits/rateLimiter.js';
import type { Logger } from '../logger.js';
import type { ParleySocket } from './types.js';

/** Longest wait for the limiter's store before an event is let through unchecked. */
const STORE_DEADLINE_MS = 500;

export type EventGuardSettings = Pick<
  Limits,
  'eventRateScale' | 'eventRateUserFactor' | 'eventsInFlight' | 'rateLimitStrikes'
>;

/** What the guard reports (metrics). */
export interface EventGuardObserver {
  refused(event: string, reason: 'socket' | 'user' | 'in_flight'): void;
  disconnected(): void;
}

/** A token bucket from rate-limiter-flexible: a steady limiter, and a burst one used once it is spent. */
interface Bucket {
  consume(key: string): Promise<unknown>;
}

interface EventBuckets {
  socket: Bucket;
  user: Bucket;
}

/** Seconds during which the strikes of a socket (its refused events) are counted. */
const STRIKE_WINDOW_SECONDS = 60;

/**
 * The steady part refills `perSecond` (in windows of a whole number of seconds, at least one
 * point each); the burst part holds `burst` points refilled over `burst / perSecond` seconds.
 */
function windows(rate: EventRate, scale: number) {
  const perSecond = rate.perSecond * scale;
  const steadySeconds = perSecond >= 1 ? 1 : Math.ceil(1 / perSecond);
  const steadyPoints = Math.max(1, Math.floor(perSecond * steadySeconds));
  const burstPoints = Math.max(1, Math.round(rate.burst * scale));
  const burstSeconds = Math.max(1, Math.ceil(burstPoints / perSecond));
  return { steadyPoints, steadySeconds, burstPoints, burstSeconds };
}

/**
 * Applies the per-event limits of the contract table (protocol/src/limits/eventLimits.ts) to every
 * client→server event, in one place (onEvent): a bucket per socket (in memory), then a bucket
 * per user (in Redis when present, so it holds across instances), and a cap on the events of one
 * socket being handled at once. A refused event is answered `rate_limited` with `retryAfterMs`;
 * the socket stays usable, unless it keeps going: past `rateLimitStrikes` refusals in a minute it
 * is disconnected.
 */
export class EventGuard {
  private readonly buckets = new Map<string, EventBuckets>();
  private readonly inFlight = new WeakMap<ParleySocket, number>();
  private readonly strikes: RateLimiterMemory;

  constructor(
    private readonly redis: Redis | null,
    private readonly prefix: string,
    private readonly settings: EventGuardSettings,
    private readonly logger: Logger,
    private readonly observer?: EventGuardObserver,
  ) {
    this.strikes = new RateLimiterMemory({
      keyPrefix: 'strikes',
      points: settings.rateLimitStrikes,
      duration: STRIKE_WINDOW_SECONDS,
    });
  }

  /**
   * Admits one event of `socket`, or says why not. An admitted event must be `release`d when its
   * handling ends.
   */
  async admit(socket: ParleySocket, event: string): Promise<ErrorInfo | null> {
    const running = this.inFlight.get(socket) ?? 0;
    if (running >= this.settings.eventsInFlight) {
      return this.refuse(socket, event, 'in_flight', 100);
    }
    this.inFlight.set(socket, running + 1);
    const buckets = this.bucketsOf(event);
    const refusal = await this.take(buckets.socket, socket.id, socket, event, 'socket');
    const verdict = refusal ?? (await this.take(buckets.user, socket.data.user.id, socket, event, 'user'));
    if (verdict) this.release(socket);
    return verdict;
  }

  release(socket: ParleySocket): void {
    const running = this.inFlight.get(socket) ?? 0;
    if (running <= 1) this.inFlight.delete(socket);
    else this.inFlight.set(socket, running - 1);
  }

  private async take(
    bucket: Bucket,
    key: string,
    socket: ParleySocket,
    event: string,
    reason: 'socket' | 'user',
  ): Promise<ErrorInfo | null> {
    try {
      // A Redis that hangs (paused, overloaded) must not hold every event: past the deadline the
      // event goes through, as when the store fails.
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), STORE_DEADLINE_MS);
      });
      const consumed = bucket.consume(key);
      const outcome = await Promise.race([consumed, deadline]).finally(() => clearTimeout(timer));
      if (outcome === 'late') {
        consumed.catch(() => undefined);
        this.logger.warn({ event }, 'event rate limiter did not answer in time; event let through');
      }
      return null;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        // The store failed (the Redis limiter has an in-memory insurance): let the event through.
        this.logger.warn({ err: rejection, event }, 'event rate limiter failed');
        return null;
      }
      return this.refuse(socket, event, reason, rejection.msBeforeNext);
    }
  }

  private refuse(socket: ParleySocket, event: string, reason: 'socket' | 'user' | 'in_flight', waitMs: number) {
    this.observer?.refused(event, reason);
    this.strike(socket);
    const retryAfterMs = Math.max(1, Math.ceil(waitMs));
    const what = reason === 'in_flight' ? 'too many events in flight' : `too many "${event}" events`;
    return { code: 'rate_limited' as const, message: `${what}; retry in ${retryAfterMs} ms`, retryAfterMs };
  }

  private strike(socket: ParleySocket): void {
    this.strikes.consume(socket.id).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes) || !socket.connected) return;
      this.logger.warn({ userId: socket.data.user.id, socketId: socket.id }, 'socket disconnected for flooding');
      this.observer?.disconnected();
      socket.disconnect(true);
    });
  }

  private bucketsOf(event: string): EventBuckets {
    let found = this.buckets.get(event);
    if (!found) {
      const { eventRateScale: scale, eventRateUserFactor: factor } = this.settings;
      const rate = eventRateOf(event);
      const own = windows(rate, scale);
      const user = windows(rate, scale * factor);
      const keyPrefix = `event:${event}`;
      found = {
        socket: new BurstyRateLimiter(
          new RateLimiterMemory({ keyPrefix, points: own.steadyPoints, duration: own.steadySeconds }),
          new RateLimiterMemory({
            keyPrefix: `${keyPrefix}:burst`,
            points: own.burstPoints,
            duration: own.burstSeconds,
          }),
        ),
        user: new BurstyRateLimiter(
          createRateLimiter(this.redis, `${this.prefix}limit:${keyPrefix}`, user.steadyPoints, user.steadySeconds),
          createRateLimiter(this.redis, `${this.prefix}limit:${keyPrefix}:burst`, user.burstPoints, user.burstSeconds),
        ),
      };
      this.buckets.set(event, found);
    }
    return found;
  }
}
