import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeRedis } from '../store/redis.js';
import type { InvalidationBus } from './MembershipCache.js';

/**
 * Membership invalidations between instances over Redis pub/sub. The subscriber is a duplicate
 * connection (a subscribed connection cannot run other commands); close() ends it.
 */
export class RedisInvalidationBus implements InvalidationBus {
  private readonly channel: string;
  private subscriber: Redis | null = null;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.channel = `${prefix}chat:membership-changed`;
  }

  async publish(conversationId: string): Promise<void> {
    await this.redis.publish(this.channel, conversationId);
  }

  subscribe(onInvalidate: (conversationId: string) => void): void {
    const subscriber = this.redis.duplicate({ lazyConnect: false });
    this.subscriber = subscriber;
    subscriber.on('error', (error: Error) =>
      this.logger.warn({ err: error.message }, 'membership invalidation subscriber error'),
    );
    subscriber.on('message', (channel: string, conversationId: string) => {
      if (channel === this.channel) onInvalidate(conversationId);
    });
    subscriber.subscribe(this.channel).catch((error: Error) => {
      this.logger.error({ err: error.message }, 'could not subscribe to membership invalidations');
    });
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (subscriber) await closeRedis(subscriber);
  }
}
