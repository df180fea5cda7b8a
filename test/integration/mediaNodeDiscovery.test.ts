import { randomBytes } from 'node:crypto';
import { MediaNodeRegistration, mediaNodeRedisKey } from '@parley/protocol/internal';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaCluster, type MediaCluster } from '../../server/src/media/MediaCluster.js';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RPC_PORT = 4120;
const RTC_PORT = 41300;
const prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
const secret = randomBytes(16).toString('hex');
const nodeId = `disc-node-${randomBytes(3).toString('hex')}`;
const logger = pino({ level: 'silent' });

describe('media node discovery through Redis', () => {
  let redis: Redis;
  let node: MediaNodeProcess;
  let cluster: MediaCluster;
  const key = mediaNodeRedisKey(prefix, nodeId);

  beforeAll(async () => {
    buildMediaWorkers();
    redis = new Redis(REDIS_URL);
    node = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_RTC_PORT: String(RTC_PORT),
      MEDIA_RPC_PORT: String(RPC_PORT),
      MEDIA_NODE_ID: nodeId,
      MEDIA_SECRET: secret,
      REDIS_URL,
      REDIS_PREFIX: prefix,
    });
    cluster = createMediaCluster({ redis, staticUrls: [], secret, logger, redisPrefix: prefix, intervalMs: 500 });
    await cluster.start();
  });

  afterAll(async () => {
    await cluster?.stop();
    await stopAllMediaNodes();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('registers {id, url, load, startedAt} under <prefix>media:node:<id> with a 10 s expiry', async () => {
    const value = await waitFor(() => redis.get(key), 5_000, 'the registration key');
    const reg = MediaNodeRegistration.parse(JSON.parse(value));
    expect(reg).toMatchObject({ id: nodeId, url: node.url });
    expect(reg.load).toHaveLength(1);
    expect(Number.isNaN(Date.parse(reg.startedAt))).toBe(false);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    // Refreshed every 2 s: the expiry goes back up.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await redis.pttl(key)).toBeGreaterThan(7_000);
  });

  it('is discovered by the cluster and answers through it', async () => {
    await waitFor(
      () => cluster.nodes().find((n) => n.id === nodeId && n.connected && n.workers.length === 1),
      10_000,
      'discovery',
    );
    const load = await cluster.client(nodeId)!.request('getLoad', {});
    expect(load).toMatchObject({ nodeId, url: node.url });
  });

  it('ignores registrations of other prefixes', async () => {
    const other = mediaNodeRedisKey(`${prefix}other:`, 'ghost');
    await redis.set(
      other,
      JSON.stringify({ id: 'ghost', url: 'http://127.0.0.1:4199', load: [], startedAt: new Date().toISOString() }),
      'PX',
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1_200));
    expect(cluster.nodes().map((n) => n.id)).toEqual([nodeId]);
  });

  it('deregisters on SIGTERM (exit 0) and the cluster drops it', async () => {
    expect(await node.stop()).toBe(0);
    expect(await redis.exists(key)).toBe(0);
    await waitFor(() => cluster.nodes().length === 0, 5_000, 'the cluster to drop the node');
  });
});
