import type { User } from '@parley/protocol';
import type { Context, Middleware } from 'koa';
import { AppError } from '../appError.js';
import type { AuthService } from '../auth/AuthService.js';
import { SESSION_COOKIE, readBearer } from '../auth/sessionCookie.js';

/** The session token of a request: `Authorization: Bearer` first, then the session cookie. */
export function requestToken(ctx: Context): string | null {
  return readBearer(ctx.get('Authorization') || undefined) ?? ctx.cookies.get(SESSION_COOKIE) ?? null;
}

/** Authenticates the request (401 `unauthorized` otherwise) and sets `ctx.state.user`. */
export function requireAuth(auth: AuthService): Middleware {
  return async (ctx, next) => {
    const user = await auth.userFromToken(requestToken(ctx));
    if (!user) throw new AppError('unauthorized', 'authentication required');
    ctx.state.user = user;
    await next();
  };
}

/** The user set by requireAuth. */
export function currentUser(ctx: Context): User {
  const user = ctx.state.user as User | undefined;
  if (!user) throw new AppError('unauthorized', 'authentication required');
  return user;
}
