import type { Redis } from 'ioredis';
import type { SfuStore, StoredProducer } from './SfuStore.js';

/** Keys expire a day after the last change, so a crashed cluster leaves nothing behind for long. */
const TTL_S = 86_400;

/** Sets KEYS[1] to ARGV[1] unless it holds something other than ARGV[2]; returns the value. */
const PLACE = `
local current = redis.call('GET', KEYS[1])
if (not current) or (ARGV[2] ~= '' and current == ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[3]))
  return ARGV[1]
end
return current
`;

/**
 * SfuStore in Redis: `<prefix>sfu:node:<meetingId>` (node id) and `<prefix>sfu:producers:<meetingId>`
 * (hash producerId → JSON).
 */
export class RedisSfuStore implements SfuStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private nodeKey(id: string): string {
    return `${this.prefix}sfu:node:${id}`;
  }
  private producersKey(id: string): string {
    return `${this.prefix}sfu:producers:${id}`;
  }

  async getNode(meetingId: string): Promise<string | null> {
    return this.redis.get(this.nodeKey(meetingId));
  }

  async placeNode(meetingId: string, nodeId: string, replace?: string): Promise<string> {
    return (await this.redis.eval(PLACE, 1, this.nodeKey(meetingId), nodeId, replace ?? '', TTL_S)) as string;
  }

  async putProducer(meetingId: string, producer: StoredProducer): Promise<void> {
    const key = this.producersKey(meetingId);
    await this.redis.multi().hset(key, producer.producerId, JSON.stringify(producer)).expire(key, TTL_S).exec();
  }

  async getProducer(meetingId: string, producerId: string): Promise<StoredProducer | null> {
    const json = await this.redis.hget(this.producersKey(meetingId), producerId);
    return json ? (JSON.parse(json) as StoredProducer) : null;
  }

  async setProducerPaused(meetingId: string, producerId: string, paused: boolean): Promise<void> {
    // Read-modify-write by the producer's owner only (one instance), so no race on one field.
    const p = await this.getProducer(meetingId, producerId);
    if (p) await this.putProducer(meetingId, { ...p, paused });
  }

  async removeProducer(meetingId: string, producerId: string): Promise<void> {
    await this.redis.hdel(this.producersKey(meetingId), producerId);
  }

  async listProducers(meetingId: string): Promise<StoredProducer[]> {
    const values = await this.redis.hvals(this.producersKey(meetingId));
    return values.map((json) => JSON.parse(json) as StoredProducer);
  }

  async clearMeeting(meetingId: string, keepNode = false): Promise<void> {
    if (keepNode) await this.redis.del(this.producersKey(meetingId));
    else await this.redis.del(this.nodeKey(meetingId), this.producersKey(meetingId));
  }
}
