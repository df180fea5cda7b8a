import type { Middleware } from 'koa';
import { AppError } from '../appError.js';
import type { OriginPolicy } from '../auth/originPolicy.js';
import { SESSION_COOKIE, readBearer } from '../auth/sessionCookie.js';
import type { Logger } from '../logger.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses (403 `forbidden`) a state-changing request that relies on the session cookie and comes
 * from a page of another origin (originPolicy.ts): SameSite=Lax still sends the cookie from a
 * sibling subdomain or another port, e.g. a form posting to /api/auth/logout-all. Requests with a
 * Bearer token carry no ambient authority and pass.
 */
export function originGuard(policy: OriginPolicy, logger: Logger): Middleware {
  return async (ctx, next) => {
    const exempt = SAFE_METHODS.has(ctx.method) || readBearer(ctx.get('Authorization') || undefined) !== null;
    if (exempt || !ctx.cookies.get(SESSION_COOKIE)) {
      await next();
      return;
    }
    const verdict = policy.check({
      origin: ctx.get('Origin') || undefined,
      host: ctx.get('Host') || undefined,
      secFetchSite: ctx.get('Sec-Fetch-Site') || undefined,
    });
    if (!verdict.ok) {
      logger.warn(
        { origin: ctx.get('Origin'), path: ctx.path, reason: verdict.reason },
        'cross-origin request refused',
      );
      throw new AppError('forbidden', 'cross-origin request refused');
    }
    await next();
  };
}
