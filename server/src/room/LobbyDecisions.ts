import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { closeRedis } from '../store/redis.js';

/** The host's answer to a lobby request; `timeout` when nobody answered in time. */
export type LobbyOutcome = 'admitted' | 'refused' | 'timeout';

interface Waiter {
  resolve(outcome: LobbyOutcome): void;
  timer: NodeJS.Timeout;
}

/**
 * The joins waiting in a lobby on this instance, and the way a decision taken on any instance
 * reaches the waiting one: directly when the waiter is here, else over Redis pub/sub (each
 * instance keeps a duplicate subscriber connection). A decision that reaches no waiter is
 * dropped: the waiting join then times out.
 */
export class LobbyDecisions {
  private readonly waiters = new Map<string, Waiter>();
  private subscriber: Redis | null = null;
  private readonly channel: string;

  constructor(
    private readonly redis: Redis | null,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}room:lobby-decisions`;
    if (redis) {
      const subscriber = redis.duplicate({ lazyConnect: false });
      this.subscriber = subscriber;
      subscriber.on('error', (error: Error) => logger.warn({ err: error.message }, 'lobby subscriber error'));
      subscriber.on('message', (channel: string, text: string) => {
        if (channel !== this.channel) return;
        const [requestId, outcome] = text.split(' ');
        if (requestId && (outcome === 'admitted' || outcome === 'refused')) this.settle(requestId, outcome);
      });
      subscriber.subscribe(this.channel).catch((error: Error) => {
        logger.error({ err: error.message }, 'could not subscribe to lobby decisions');
      });
    }
  }

  /** Waits for the decision on `requestId`, at most `timeoutMs` (then `timeout`). */
  wait(requestId: string, timeoutMs: number): Promise<LobbyOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(requestId, 'timeout'), timeoutMs);
      timer.unref();
      this.waiters.set(requestId, { resolve, timer });
    });
  }

  /** Ends a local wait early (the waiting socket went away); no-op otherwise. */
  cancel(requestId: string): void {
    this.settle(requestId, 'refused');
  }

  /** Delivers a decision to the waiter, wherever it waits. */
  async decide(requestId: string, outcome: 'admitted' | 'refused'): Promise<void> {
    if (this.settle(requestId, outcome)) return;
    if (this.redis) await this.redis.publish(this.channel, `${requestId} ${outcome}`);
  }

  private settle(requestId: string, outcome: LobbyOutcome): boolean {
    const waiter = this.waiters.get(requestId);
    if (!waiter) return false;
    this.waiters.delete(requestId);
    clearTimeout(waiter.timer);
    waiter.resolve(outcome);
    return true;
  }

  get waiting(): number {
    return this.waiters.size;
  }

  async close(): Promise<void> {
    for (const requestId of [...this.waiters.keys()]) this.settle(requestId, 'timeout');
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await closeRedis(subscriber);
  }
}
