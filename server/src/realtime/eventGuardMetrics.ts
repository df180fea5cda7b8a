import { Counter, type Registry } from 'prom-client';
import type { EventGuardObserver } from './eventGuard.js';

/** Prometheus counters of the per-event limits: refusals by event and reason, flooding disconnects. */
export function eventGuardMetrics(registry: Registry): EventGuardObserver {
  const refused = new Counter({
    name: 'parley_socket_events_rate_limited_total',
    help: 'Socket events refused with rate_limited, by event and by the limit met (socket, user, in_flight)',
    labelNames: ['event', 'limit'] as const,
    registers: [registry],
  });
  const disconnects = new Counter({
    name: 'parley_socket_flood_disconnects_total',
    help: 'Sockets disconnected for going on past their rate limits (RATE_LIMIT_STRIKES)',
    registers: [registry],
  });
  return {
    refused: (event, limit) => refused.inc({ event, limit }),
    disconnected: () => disconnects.inc(),
  };
}
