import type Router from '@koa/router';
import type { AppContext } from '../../context.js';
import { authRoutes } from './auth.js';
import { contactsRoutes } from './contacts.js';
import { conversationsRoutes } from './conversations.js';
import { healthRoutes } from './health.js';
import { iceRoutes } from './ice.js';
import { meetingsRoutes } from './meetings.js';
import { meRoutes } from './me.js';
import { metricsRoutes } from './metrics.js';
import { usersRoutes } from './users.js';

export type RouteModule = (app: AppContext) => Router;

/** Every router of the HTTP API, in order. Features add theirs here. */
export const routeModules: RouteModule[] = [
  healthRoutes,
  metricsRoutes,
  authRoutes,
  meRoutes,
  meetingsRoutes,
  iceRoutes,
  usersRoutes,
  contactsRoutes,
  conversationsRoutes,
];
