import Router from '@koa/router';
import type { AppContext } from '../../context.js';
import { buildIceServers } from '../../ice/iceServers.js';
import { currentUser, requireAuth } from '../requireAuth.js';

/**
 * GET /api/ice-servers → `{iceServers}`: STUN_URLS, and TURN_URLS with TURN REST credentials
 * (username `<expiry>:<userId>`, credential base64(HMAC-SHA1(TURN_SECRET, username)), valid
 * TURN_TTL seconds). No TURN entry without TURN_SECRET. Never cached: credentials expire.
 */
export function iceRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });
  router.get('/ice-servers', requireAuth(app.auth), (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { iceServers: buildIceServers(app.meetings.settings.ice, currentUser(ctx).id) };
  });
  return router;
}
