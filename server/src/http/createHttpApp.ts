import { bodyParser } from '@koa/bodyparser';
import Koa, { type Middleware } from 'koa';
import type { AppContext } from '../context.js';
import { errorMiddleware } from './errorMiddleware.js';
import { originGuard } from './originGuard.js';
import { routeModules } from './routes/apiRoutes.js';
import { securityHeaders } from './securityHeaders.js';
import { serveClient } from './static.js';

/** Records every request in the duration histogram, labelled by matched route (not raw path). */
function requestMetrics(app: AppContext): Middleware {
  const histogram = app.instruments.httpRequestDuration;
  return async (ctx, next) => {
    const stop = histogram.startTimer();
    try {
      await next();
    } finally {
      const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const route = typeof matched === 'string' ? matched : ctx.path.startsWith('/api') ? 'unmatched' : 'client';
      stop({ method: ctx.method, route, status: String(ctx.status) });
    }
  };
}

/**
 * The Koa application: metrics → security headers → errors → origin guard → JSON body → API
 * routers → client files → 404. Behind TRUST_PROXY=<n> proxies, ctx.ip is the n-th address from
 * the end of X-Forwarded-For (maxIpsCount), the one the nearest trusted proxy saw.
 */
export function createHttpApp(app: AppContext): Koa {
  const hops = app.config.trustProxyHops;
  const koa = new Koa({ proxy: hops > 0, maxIpsCount: hops });
  koa.silent = true; // errorMiddleware logs through pino
  koa.on('error', (error: unknown) => app.logger.warn({ err: error }, 'http error outside a request'));
  koa.use(requestMetrics(app));
  koa.use(securityHeaders(app.config));
  koa.use(errorMiddleware(app.logger));
  koa.use(originGuard(app.originPolicy, app.logger));
  koa.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: app.config.bodyLimit,
      jsonStrict: true,
    }),
  );
  for (const module of routeModules) {
    const router = module(app);
    koa.use(router.routes());
  }
  koa.use(serveClient(app.config.clientDist));
  return koa;
}
