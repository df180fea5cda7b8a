import Router from '@koa/router';
import { StartMeeting } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import { currentUser, requireAuth } from '../requireAuth.js';
import { validateBody } from '../validateRequest.js';

/**
 * POST /api/meetings {title?, inviteeIds?, conversationId?, access?} → 201 `{meeting}` (as the
 * `start_meeting` event; the caller is the host).
 * GET /api/meetings/active → `{meetings}`: ongoing meetings the caller may join.
 */
export function meetingsRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });

  router.post('/meetings', requireAuth(app.auth), async (ctx) => {
    const body = validateBody(ctx, StartMeeting);
    const meeting = await app.meetings.meetings.start(currentUser(ctx), body);
    ctx.status = 201;
    ctx.body = { meeting };
  });

  router.get('/meetings/active', requireAuth(app.auth), async (ctx) => {
    ctx.body = { meetings: await app.meetings.meetings.activeFor(currentUser(ctx).id) };
  });
  return router;
}
