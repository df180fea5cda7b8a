import type { ChainableCommander, Redis } from 'ioredis';
import type { SnapshotSource } from '../store/RedisStateSnapshots.js';
import type { LobbyEntry, RoomFeatureStore } from './RoomFeatureStore.js';

/** A meeting's room feature keys as read for RoomFeatureRestorer (written back after a Redis restart). */
export interface RoomFeatureSnapshot {
  /** [userId, raise sequence] in raise order. */
  hands: Array<[string, number]>;
  handSeq: number;
  locked: boolean;
  admitted: string[];
  removed: string[];
  /** requestId → entry JSON. */
  lobby: Record<string, string>;
}

/**
 * KEYS: hands (zset userId → sequence), handSeq (counter). ARGV: userId.
 * Raises the hand unless raised; returns its 1-based rank.
 */
const RAISE_HAND = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  local seq = redis.call('INCR', KEYS[2])
  redis.call('ZADD', KEYS[1], seq, ARGV[1])
end
return redis.call('ZRANK', KEYS[1], ARGV[1]) + 1
`;

/** KEYS: lobby hash. ARGV: requestId. HGET + HDEL in one step: only one taker wins. */
const TAKE_LOBBY = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return json
`;

/** Room feature keys live this long after their last change at most (a lost meeting's leftovers). */
const TTL_SECONDS = 2 * 24 * 3600;

/**
 * The room feature state in Redis, next to the room store's keys (same `<REDIS_PREFIX>meetings:`
 * prefix): `room:<id>:hands` zset userId → raise sequence, `room:<id>:handseq`,
 * `room:<id>:features` hash {locked}, `room:<id>:admitted` and `room:<id>:removed` sets,
 * `room:<id>:lobby` hash requestId → entry JSON. Deleted when the meeting ends.
 */
export class RedisRoomFeatureStore implements RoomFeatureStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    const commands = redis as unknown as Record<string, unknown>;
    if (typeof commands.parleyRaiseHand !== 'function') redis.defineCommand('parleyRaiseHand', { lua: RAISE_HAND });
    if (typeof commands.parleyTakeLobby !== 'function') redis.defineCommand('parleyTakeLobby', { lua: TAKE_LOBBY });
  }

  private key(meetingId: string, what: string): string {
    return `${this.prefix}room:${meetingId}:${what}`;
  }

  private script(name: string, keys: string[], args: string[]): Promise<unknown> {
    const run = (this.redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[name]!;
    return run.call(this.redis, keys.length, ...keys, ...args);
  }

  private async touch(...keys: string[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.expire(key, TTL_SECONDS);
    await pipeline.exec();
  }

  async raiseHand(meetingId: string, userId: string): Promise<number> {
    const keys = [this.key(meetingId, 'hands'), this.key(meetingId, 'handseq')];
    const order = Number(await this.script('parleyRaiseHand', keys, [userId]));
    await this.touch(...keys);
    return order;
  }

  async lowerHand(meetingId: string, userId: string): Promise<boolean> {
    return (await this.redis.zrem(this.key(meetingId, 'hands'), userId)) === 1;
  }

  async hands(meetingId: string): Promise<string[]> {
    return this.redis.zrange(this.key(meetingId, 'hands'), 0, -1);
  }

  async setLocked(meetingId: string, locked: boolean): Promise<void> {
    const key = this.key(meetingId, 'features');
    await this.redis.hset(key, 'locked', locked ? '1' : '0');
    await this.touch(key);
  }

  async isLocked(meetingId: string): Promise<boolean> {
    return (await this.redis.hget(this.key(meetingId, 'features'), 'locked')) === '1';
  }

  async addAdmitted(meetingId: string, userId: string): Promise<void> {
    const key = this.key(meetingId, 'admitted');
    await this.redis.sadd(key, userId);
    await this.touch(key);
  }

  async isAdmitted(meetingId: string, userId: string): Promise<boolean> {
    return (await this.redis.sismember(this.key(meetingId, 'admitted'), userId)) === 1;
  }

  async markRemoved(meetingId: string, userId: string): Promise<void> {
    const removed = this.key(meetingId, 'removed');
    await this.redis
      .multi()
      .sadd(removed, userId)
      .srem(this.key(meetingId, 'admitted'), userId)
      .zrem(this.key(meetingId, 'hands'), userId)
      .expire(removed, TTL_SECONDS)
      .exec();
  }

  async unremove(meetingId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length > 0) await this.redis.srem(this.key(meetingId, 'removed'), ...userIds);
  }

  async isRemoved(meetingId: string, userId: string): Promise<boolean> {
    return (await this.redis.sismember(this.key(meetingId, 'removed'), userId)) === 1;
  }

  async putLobby(meetingId: string, entry: LobbyEntry): Promise<void> {
    const key = this.key(meetingId, 'lobby');
    await this.redis.hset(key, entry.requestId, JSON.stringify(entry));
    await this.touch(key);
  }

  async takeLobby(meetingId: string, requestId: string): Promise<LobbyEntry | null> {
    const json = (await this.script('parleyTakeLobby', [this.key(meetingId, 'lobby')], [requestId])) as string | null;
    return json ? (JSON.parse(json) as LobbyEntry) : null;
  }

  async listLobby(meetingId: string): Promise<LobbyEntry[]> {
    const values = await this.redis.hvals(this.key(meetingId, 'lobby'));
    return values.map((json) => JSON.parse(json) as LobbyEntry).sort((a, b) => a.since - b.since);
  }

  /** Reads and writes back every feature key of a meeting (RoomFeatureRestorer). */
  snapshotSource(): SnapshotSource<RoomFeatureSnapshot> {
    return {
      queueRead: (batch: ChainableCommander, meetingId: string) => {
        batch
          .zrange(this.key(meetingId, 'hands'), 0, -1, 'WITHSCORES')
          .get(this.key(meetingId, 'handseq'))
          .hget(this.key(meetingId, 'features'), 'locked')
          .smembers(this.key(meetingId, 'admitted'))
          .smembers(this.key(meetingId, 'removed'))
          .hgetall(this.key(meetingId, 'lobby'));
        return 6;
      },
      parse: (replies) => {
        const [flatHands, handSeq, locked, admitted, removed, lobby] = replies as [
          string[],
          string | null,
          string | null,
          string[],
          string[],
          Record<string, string>,
        ];
        const hands: Array<[string, number]> = [];
        for (let i = 0; i + 1 < flatHands.length; i += 2) hands.push([flatHands[i]!, Number(flatHands[i + 1])]);
        const empty =
          hands.length === 0 &&
          locked === null &&
          admitted.length === 0 &&
          removed.length === 0 &&
          Object.keys(lobby).length === 0;
        if (empty) return undefined;
        return { hands, handSeq: Number(handSeq ?? 0), locked: locked === '1', admitted, removed, lobby };
      },
      write: async (meetingId, snapshot) => {
        // Nothing present is overwritten: a change made since Redis came back wins.
        const batch = this.redis.multi();
        const keys = ['hands', 'handseq', 'features', 'admitted', 'removed', 'lobby'].map((what) =>
          this.key(meetingId, what),
        );
        const [hands, handSeq, features, admitted, removed, lobby] = keys as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        for (const [userId, seq] of snapshot.hands) batch.zadd(hands, 'NX', seq, userId);
        batch.set(handSeq, snapshot.handSeq, 'NX');
        batch.hsetnx(features, 'locked', snapshot.locked ? '1' : '0');
        if (snapshot.admitted.length > 0) batch.sadd(admitted, ...snapshot.admitted);
        if (snapshot.removed.length > 0) batch.sadd(removed, ...snapshot.removed);
        for (const [requestId, json] of Object.entries(snapshot.lobby)) batch.hsetnx(lobby, requestId, json);
        for (const key of keys) batch.expire(key, TTL_SECONDS);
        await batch.exec();
        return snapshot.hands.length + (snapshot.locked ? 1 : 0) + Object.keys(snapshot.lobby).length;
      },
    };
  }

  async clear(meetingId: string): Promise<void> {
    await this.redis.del(
      ...['hands', 'handseq', 'features', 'admitted', 'removed', 'lobby'].map((what) => this.key(meetingId, what)),
    );
  }
}
