/**
 * Presence in Redis across "instances" (several RedisPresenceStore objects on one prefix, in
 * process): exact first/last-socket transitions, sweeping a dead instance, and an instance that
 * was presumed dead registering its sockets again, and the leaving period (an offline that a new
 * socket cancels). The process-level crash test is in chatPresence.test.ts.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeInstanceSockets } from '../../server/src/presence/instanceSweeper.js';
import { MemoryPresenceStore } from '../../server/src/presence/MemoryPresenceStore.js';
import { PresenceKeys } from '../../server/src/presence/presenceKeys.js';
import { RedisPresenceStore } from '../../server/src/presence/RedisPresenceStore.js';
import { TEST_REDIS_URL, clearRedisPrefix, freshRedisPrefix } from '../support/testDatabase.js';

const logger = pino({ level: 'silent' });
const TTL_MS = 600;

interface Change {
  instance: string;
  userIds: string[];
  online: boolean;
}

describe('presence in Redis', () => {
  const prefix = freshRedisPrefix('chat-presence');
  const clients: Redis[] = [];
  const stores: RedisPresenceStore[] = [];
  const changes: Change[] = [];

  const client = () => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    redis.on('error', () => {});
    clients.push(redis);
    return redis;
  };
  const instance = async (instanceId: string, redis = client()) => {
    const store = new RedisPresenceStore({ redis, prefix, instanceId, ttlMs: TTL_MS, logger });
    await store.start((userIds, online) => changes.push({ instance: instanceId, userIds, online }));
    stores.push(store);
    return store;
  };
  const waitForChange = async (match: (change: Change) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = changes.find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`no matching presence change; saw ${JSON.stringify(changes)}`);
  };

  beforeAll(() => {
    changes.length = 0;
  });
  afterEach(async () => {
    await Promise.allSettled(stores.splice(0).map((store) => store.stop()));
    changes.length = 0;
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await clearRedisPrefix(prefix);
  });

  it('announces online at the first socket on any instance and offline after the last', async () => {
    const a = await instance('a');
    const b = await instance('b');
    expect(await a.add('u1', 's1')).toBe(true);
    expect(await b.add('u1', 's2')).toBe(false);
    expect(await a.add('u1', 's3')).toBe(false);
    expect(await a.onlineAmong(['u1', 'u2'])).toEqual(new Set(['u1']));
    expect(await a.remove('u1', 's1', 0)).toBe(false);
    expect(await b.remove('u1', 's2', 0)).toBe(false);
    expect(await a.remove('u1', 's3', 0)).toBe(true);
    expect(await a.remove('u1', 's3', 0)).toBe(false);
    expect(await b.onlineAmong(['u1'])).toEqual(new Set());
  });

  it('decides concurrent first connects on two instances exactly once', async () => {
    const a = await instance('a');
    const b = await instance('b');
    const results = await Promise.all([a.add('u5', 'x1'), b.add('u5', 'x2'), a.add('u5', 'x3'), b.add('u5', 'x4')]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("lets a socket on another instance cancel a leaving user's offline, and confirms it otherwise", async () => {
    const a = await instance('a');
    const b = await instance('b');
    expect(await a.add('u8', 's1')).toBe(true);
    expect(await a.remove('u8', 's1', 60_000)).toBe(true);
    expect(await b.onlineAmong(['u8'])).toEqual(new Set());
    // A reload: the new socket lands elsewhere before the grace ends; nobody hears a change.
    expect(await b.add('u8', 's2')).toBe(false);
    expect(await a.confirmOffline('u8')).toBe(false);
    expect(await b.remove('u8', 's2', 60_000)).toBe(true);
    expect(await a.confirmOffline('u8')).toBe(true);
    expect(await b.confirmOffline('u8')).toBe(false);
    // No longer leaving, so the next socket is a real online again.
    expect(await b.add('u8', 's3')).toBe(true);
  });

  it('confirms the offline of a user left leaving by an instance that died before confirming it', async () => {
    const deadRedis = client();
    const doomed = await instance('doomed', deadRedis);
    const other = await instance('other');
    expect(await doomed.add('u9', 's1')).toBe(true);
    expect(await doomed.remove('u9', 's1', 100)).toBe(true);
    // Like a crash during the grace: it never confirms, and its own upkeep stops.
    deadRedis.disconnect();
    await doomed.stop().catch(() => {});
    const confirmed = await waitForChange((c) => !c.online && c.userIds.includes('u9'), 5000);
    expect(confirmed.instance).toBe('other');
    expect(await other.confirmOffline('u9')).toBe(false);
    expect(await other.add('u9', 's2')).toBe(true);
  });

  it('takes the users of an instance that stopped heart-beating offline, exactly once', async () => {
    const deadRedis = client();
    const dead = await instance('dead', deadRedis);
    const live1 = await instance('live1');
    const live2 = await instance('live2');
    await dead.add('u2', 'd1');
    await dead.add('u2', 'd2');
    await dead.add('u3', 'd3');
    await live1.add('u3', 'l1'); // u3 stays online through live1
    deadRedis.disconnect(); // its heartbeat stops reaching Redis, like a crash
    const swept = await waitForChange((c) => !c.online && c.userIds.includes('u2'), TTL_MS * 5);
    expect(swept.instance).not.toBe('dead');
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    const offline = changes.filter((c) => !c.online).flatMap((c) => c.userIds);
    expect(offline).toEqual(['u2']);
    expect(await live2.onlineAmong(['u2', 'u3'])).toEqual(new Set(['u3']));
    const keys = new PresenceKeys(prefix);
    expect(await client().sismember(keys.instances, 'dead')).toBe(0);
  });

  it('registers its sockets again when it finds itself swept', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.add('u4', 's1');
    const keys = new PresenceKeys(prefix);
    const redis = client();
    // What a sweeper does to an instance it presumed dead.
    expect(await removeInstanceSockets(redis, keys, 'a')).toEqual(['u4']);
    expect(await b.onlineAmong(['u4'])).toEqual(new Set());
    await waitForChange((c) => c.instance === 'a' && c.online && c.userIds.includes('u4'), TTL_MS * 3);
    expect(await b.onlineAmong(['u4'])).toEqual(new Set(['u4']));
    expect(await a.remove('u4', 's1', 0)).toBe(true);
  });

  it('removes its own sockets on stop and reports who went offline', async () => {
    const a = await instance('a');
    const b = await instance('b');
    await a.add('u6', 's1');
    await a.add('u7', 's2');
    await b.add('u7', 's3');
    stores.splice(stores.indexOf(a), 1);
    expect(await a.stop()).toEqual(['u6']);
    expect(await b.onlineAmong(['u6', 'u7'])).toEqual(new Set(['u7']));
  });
});

describe('presence in memory', () => {
  it('has the same transitions for a single instance', async () => {
    const store = new MemoryPresenceStore();
    expect(await store.add('u1', 's1')).toBe(true);
    expect(await store.add('u1', 's2')).toBe(false);
    expect(await store.onlineAmong(['u1', 'u2'])).toEqual(new Set(['u1']));
    expect(await store.remove('u1', 's1', 0)).toBe(false);
    expect(await store.remove('u1', 'unknown', 0)).toBe(false);
    expect(await store.remove('u1', 's2', 0)).toBe(true);
    expect(await store.onlineAmong(['u1'])).toEqual(new Set());
  });

  it("cancels a leaving user's offline when a socket comes back in time", async () => {
    const store = new MemoryPresenceStore();
    expect(await store.add('u1', 's1')).toBe(true);
    expect(await store.remove('u1', 's1', 2000)).toBe(true);
    expect(await store.add('u1', 's2')).toBe(false);
    expect(await store.confirmOffline('u1')).toBe(false);
    expect(await store.remove('u1', 's2', 2000)).toBe(true);
    expect(await store.confirmOffline('u1')).toBe(true);
    expect(await store.add('u1', 's3')).toBe(true);
  });
});
