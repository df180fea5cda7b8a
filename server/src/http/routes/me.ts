import Router from '@koa/router';
import type { AppContext } from '../../context.js';
import { currentUser, requireAuth } from '../requireAuth.js';

/** GET /api/me → `{user}`. */
export function meRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });
  router.get('/me', requireAuth(app.auth), (ctx) => {
    ctx.body = { user: currentUser(ctx) };
  });
  return router;
}
