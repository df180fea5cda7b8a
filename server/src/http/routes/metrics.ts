import Router from '@koa/router';
import type { AppContext } from '../../context.js';

/** GET /metrics → Prometheus text of this instance (media worker gauges included). */
export function metricsRoutes(app: AppContext): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.type = app.metrics.contentType;
    ctx.body = await app.metrics.metrics();
  });
  return router;
}
