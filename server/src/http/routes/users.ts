import Router from '@koa/router';
import { UserSearchQuery } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { currentUser, requireAuth } from '../requireAuth.js';
import { validateQuery } from '../validateRequest.js';

/** GET /api/users?q= → `{users}`: username prefix search, the caller excluded, at most 20. */
export function usersRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });
  router.get('/users', requireAuth(app.auth), async (ctx) => {
    const { q } = validateQuery(ctx, UserSearchQuery);
    ctx.body = { users: await app.chat.users.search(currentUser(ctx).id, q) };
  });
  return router;
}
