import { LoginBody, RegisterBody } from '@parley/protocol';
import Router from '@koa/router';
import { AppError } from '../../appError.js';
import { clearSessionCookie, setSessionCookie } from '../../auth/sessionCookie.js';
import type { AppContext } from '../../context.js';
import { validateBody } from '../validate.js';

/** POST /api/auth/register | login | logout. Login and register also set the session cookie. */
export function authRoutes(app: AppContext): Router {
  const router = new Router({ prefix: '/api/auth' });

  router.post('/register', async (ctx) => {
    const body = validateBody(ctx, RegisterBody);
    const session = await app.auth.register(body);
    setSessionCookie(ctx, session.token, app.config);
    ctx.status = 201;
    ctx.body = session;
  });

  router.post('/login', async (ctx) => {
    const body = validateBody(ctx, LoginBody);
    await app.loginRateLimiter.check(ctx.ip, body.username);
    let session;
    try {
      session = await app.auth.login(body);
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') {
        await app.loginRateLimiter.recordFailure(ctx.ip, body.username);
      }
      throw error;
    }
    await app.loginRateLimiter.recordSuccess(ctx.ip, body.username);
    setSessionCookie(ctx, session.token, app.config);
    ctx.status = 200;
    ctx.body = session;
  });

  router.post('/logout', (ctx) => {
    clearSessionCookie(ctx, app.config);
    ctx.status = 204;
  });

  return router;
}
