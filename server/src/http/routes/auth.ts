import { LoginBody, RegisterBody } from '@parley/protocol';
import Router from '@koa/router';
import { AppError } from '../../appError.js';
import { clearSessionCookie, setSessionCookie } from '../../auth/sessionCookie.js';
import type { AppContext } from '../../context.js';
import { currentUser, requestToken, requireAuth } from '../requireAuth.js';
import { validateBody } from '../validateRequest.js';

const isBusy = (error: unknown) => error instanceof AppError && error.code === 'unavailable';

/**
 * POST /api/auth/register | login | logout | logout-all. Login and register also set the
 * session cookie. Both are counted (per IP, and per IP+username for login) before the password
 * is hashed or checked; logout revokes the request's session, logout-all every session of the
 * user, and their open sockets are cut on every instance.
 */
export function authRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/auth' });

  router.post('/register', async (ctx) => {
    const body = validateBody(ctx, RegisterBody);
    await app.registerRateLimiter.consume(ctx.ip);
    let session;
    try {
      session = await app.auth.register(body);
    } catch (error) {
      if (isBusy(error)) await app.registerRateLimiter.refund(ctx.ip);
      throw error;
    }
    setSessionCookie(ctx, session.token, app.config);
    ctx.status = 201;
    ctx.body = session;
  });

  router.post('/login', async (ctx) => {
    const body = validateBody(ctx, LoginBody);
    await app.loginRateLimiter.consume(ctx.ip, body.username);
    let session;
    try {
      session = await app.auth.login(body);
    } catch (error) {
      if (isBusy(error)) await app.loginRateLimiter.refund(ctx.ip, body.username);
      throw error;
    }
    await app.loginRateLimiter.succeeded(ctx.ip, body.username);
    setSessionCookie(ctx, session.token, app.config);
    ctx.status = 200;
    ctx.body = session;
  });

  router.post('/logout', async (ctx) => {
    await app.auth.logout(requestToken(ctx));
    clearSessionCookie(ctx, app.config);
    ctx.status = 204;
  });

  router.post('/logout-all', requireAuth(app.auth), async (ctx) => {
    await app.auth.logoutEverywhere(currentUser(ctx).id);
    clearSessionCookie(ctx, app.config);
    ctx.status = 204;
  });

  return router;
}
