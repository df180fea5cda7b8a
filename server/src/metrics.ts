import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerEventLoopDelay } from './eventLoopDelay.js';

/** The instruments the core records into; features add their own to the same registry. */
export interface CoreInstruments {
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  connectedSockets: Gauge;
}

export interface Metrics {
  registry: Registry;
  instruments: CoreInstruments;
}

/** One registry per server instance, with the default process metrics and the event loop's delay. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerEventLoopDelay(registry);
  const httpRequestDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration by method, matched route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const connectedSockets = new Gauge({
    name: 'parley_connected_sockets',
    help: 'Socket.io connections open on this instance',
    registers: [registry],
  });
  return { registry, instruments: { httpRequestDuration, connectedSockets } };
}
