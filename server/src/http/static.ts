import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { send } from '@koa/send';
import type { Middleware } from 'koa';

/** Paths that belong to the server, never to the single-page app. */
const SERVER_PATHS = /^\/(api|socket\.io|media-rpc)(\/|$)|^\/(health|metrics)$/;

const NOT_BUILT =
  'The Parley web client is not built yet. Run `npm run build` (or `npm run build -w client`) and reload.\n';

/**
 * Serves the built client (CLIENT_DIST). Unknown paths without a file extension (e.g.
 * /meet/:id) get index.html so the client-side router can handle them. Without a build, a
 * clear 503 says how to make one.
 */
export function serveClient(clientDist: string): Middleware {
  const indexFile = join(clientDist, 'index.html');
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || SERVER_PATHS.test(ctx.path)) {
      await next();
      return;
    }
    if (!existsSync(indexFile)) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = NOT_BUILT;
      return;
    }
    try {
      const served = await send(ctx, ctx.path, {
        root: clientDist,
        index: 'index.html',
        // Vite fingerprints everything under assets/: cache it for good.
        ...(ctx.path.startsWith('/assets/') ? { maxage: 365 * 86_400_000, immutable: true } : {}),
      });
      if (served?.endsWith('index.html')) ctx.set('Cache-Control', 'no-cache');
      return;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    if (extname(ctx.path) !== '') {
      await next(); // a missing asset stays a 404
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    await send(ctx, 'index.html', { root: clientDist });
  };
}
