import type { Context } from 'koa';
import type { Config } from '../config/serverConfig.js';

/** The httpOnly cookie that carries the session token in browsers. */
export const SESSION_COOKIE = 'parley_session';

type CookieConfig = Pick<Config, 'cookieSecure' | 'jwtTtlSeconds'>;

/** Sets (a token) or clears (null) the session cookie, with the same attributes either way. */
function writeSessionCookie(ctx: Context, token: string | null, config: CookieConfig, maxAgeMs?: number): void {
  // COOKIE_SECURE says the site is served over HTTPS (maybe by a proxy Koa is not told to
  // trust); without this Koa refuses to send a Secure cookie on a plain-HTTP hop.
  if (config.cookieSecure) ctx.cookies.secure = true;
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.cookieSecure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
    overwrite: true,
  });
}

export function setSessionCookie(ctx: Context, token: string, config: CookieConfig): void {
  writeSessionCookie(ctx, token, config, config.jwtTtlSeconds * 1000);
}

export function clearSessionCookie(ctx: Context, config: CookieConfig): void {
  writeSessionCookie(ctx, null, config);
}

/** The session token in a raw `Cookie` header (Socket.io handshakes), if any. */
export function readSessionCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return value.length > 0 ? decodeURIComponent(value) : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function readBearer(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}
