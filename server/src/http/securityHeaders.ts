import type { IncomingMessage } from 'node:http';
import helmet from 'koa-helmet';
import type { Middleware } from 'koa';
import type { Config } from '../config/serverConfig.js';

/** A Host header that can go into a CSP source as it is (host name or IP, optional port). */
const SAFE_HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

/** The WebSocket sources of the page's own origins (CSP's 'self' does not cover ws: everywhere). */
function webSocketSources(publicOrigins: readonly string[]) {
  const fixed = publicOrigins.map((origin) => origin.replace(/^http/i, 'ws'));
  return (req: IncomingMessage): string => {
    if (fixed.length > 0) return fixed.join(' ');
    const host = req.headers.host ?? '';
    return SAFE_HOST.test(host) ? `ws://${host} wss://${host}` : '';
  };
}

/**
 * Security headers on every response (helmet through koa-helmet): a strict Content Security
 * Policy (the built client has no inline script or style; video uses srcObject, blob: and
 * mediastream: are allowed for media), no framing (`frame-ancestors 'none'`, X-Frame-Options),
 * nosniff, `Referrer-Policy: no-referrer` (meeting links must not leak to sites linked from a
 * chat), cross-origin isolation of windows and resources, and HSTS in production. A
 * Permissions-Policy keeps camera, microphone and screen capture to this origin.
 */
export function securityHeaders(config: Pick<Config, 'isProduction' | 'cookieSecure' | 'publicOrigins'>): Middleware {
  const https = config.isProduction || config.cookieSecure;
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", 'blob:', 'mediastream:'],
        connectSrc: ["'self'", webSocketSources(config.publicOrigins)],
        workerSrc: ["'self'", 'blob:'],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
  return async (ctx, next) => {
    ctx.set(
      'Permissions-Policy',
      'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()',
    );
    await headers(ctx, next);
  };
}
