import Router from '@koa/router';
import type { AppContext, MediaCluster } from '../../context.js';
import { pingDb } from '../../store/db.js';
import { pingRedis } from '../../store/redis.js';

type PartStatus = 'ok' | 'down';

export interface MediaHealth {
  nodes: number;
  connected: number;
  /** Per node: its workers and their summed load. */
  load: Array<{ id: string; connected: boolean; workers: number; cpu: number; consumers: number; producers: number }>;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Media nodes are reported, never a failure: chat and mesh calls need none. */
export function mediaHealth(media: MediaCluster): MediaHealth {
  try {
    const nodes = media.nodes();
    return {
      nodes: nodes.length,
      connected: nodes.filter((n) => n.connected).length,
      load: nodes.map((n) => ({
        id: n.id,
        connected: n.connected,
        workers: n.workers.length,
        cpu: Math.round(sum(n.workers.map((w) => w.cpu)) * 1000) / 1000,
        consumers: sum(n.workers.map((w) => w.consumers)),
        producers: sum(n.workers.map((w) => w.producers)),
      })),
    };
  } catch {
    return { nodes: 0, connected: 0, load: [] };
  }
}

async function check(probe: () => Promise<void>): Promise<PartStatus> {
  try {
    await probe();
    return 'ok';
  } catch {
    return 'down';
  }
}

/**
 * GET /health → 200 `{status:'ok', db, redis, media}`, or 503 `{status:'unavailable', ...,
 * failing: ['db'|'redis']}` when the database or Redis does not answer. redis is `'disabled'`
 * without REDIS_URL.
 */
export function healthRoutes(app: AppContext): Router {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const redisProbe = app.redis;
    const [db, redis] = await Promise.all([
      check(() => pingDb(app.db)),
      redisProbe ? check(() => pingRedis(redisProbe)) : Promise.resolve('disabled' as const),
    ]);
    const failing = [...(db === 'down' ? ['db'] : []), ...(redis === 'down' ? ['redis'] : [])];
    ctx.set('Cache-Control', 'no-store');
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.body = {
      status: failing.length === 0 ? 'ok' : 'unavailable',
      db,
      redis,
      media: mediaHealth(app.media),
      instanceId: app.instanceId,
      ...(failing.length > 0
        ? { failing, error: { code: 'unavailable', message: `${failing.join(' and ')} down` } }
        : {}),
    };
  });
  return router;
}
