import Router from '@koa/router';
import type { AppContext } from '../../context.js';
import { buildIceServers, iceServersTtl } from '../../ice/iceServers.js';
import { currentUser, requireAuth } from '../requireAuth.js';

/**
 * GET /api/ice-servers → `{iceServers}`: STUN_URLS, and TURN_URLS with TURN REST credentials
 * (username `<expiry>:<userId>`, credential base64(HMAC-SHA1(TURN_SECRET, username)), valid
 * TURN_TTL seconds, also given as `ttl`). No TURN entry without TURN_SECRET. Never cached:
 * credentials expire, and clients fetch fresh ones before they do.
 */
export function iceRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api' });
  router.get('/ice-servers', requireAuth(app.auth), (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const settings = app.meetings.settings.ice;
    const ttl = iceServersTtl(settings);
    ctx.body = { iceServers: buildIceServers(settings, currentUser(ctx).id), ...(ttl !== undefined ? { ttl } : {}) };
  });
  return router;
}
