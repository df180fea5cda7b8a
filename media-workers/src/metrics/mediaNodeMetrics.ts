import { MediaRpcMethods } from '@parley/protocol/internal';
import type { Consumer } from 'mediasoup/types';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Round-trip buckets (s) for requests to a worker and RPCs: 1 ms to 30 s. */
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The media node's own Prometheus metrics (GET /metrics with MEDIA_SECRET as bearer): the
 * process's defaults (CPU, memory, event-loop lag as `nodejs_eventloop_lag_*`) and what tells an
 * operator whether the node or its workers fall behind: how long a worker takes to answer the
 * periodic load sample, samples still waiting for their answer, RPCs in progress and their time.
 */
export class MediaNodeMetrics {
  readonly registry = new Registry();
  /** getResourceUsage round trip per worker: the worker channel's latency. */
  readonly workerSampleSeconds = new Histogram({
    name: 'parley_media_worker_sample_seconds',
    help: 'Time a mediasoup worker took to answer the load sample (getResourceUsage), seconds',
    labelNames: ['worker'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  /** Load samples sent to a worker and not answered yet (1 at most once overlap is prevented). */
  readonly workerSamplesPending = new Gauge({
    name: 'parley_media_worker_samples_pending',
    help: 'Load samples sent to a mediasoup worker and not answered yet',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });
  /** Sampling ticks skipped because the worker had not answered the previous sample. */
  readonly workerSamplesSkipped = new Counter({
    name: 'parley_media_worker_samples_skipped_total',
    help: 'Load sampling ticks skipped because the worker had not answered the previous sample yet',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });
  readonly rpcSeconds = new Histogram({
    name: 'parley_media_rpc_seconds',
    help: 'Time the media node took to answer an RPC from a signalling server, seconds',
    labelNames: ['method'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly rpcInFlight = new Gauge({
    name: 'parley_media_rpc_in_flight',
    help: 'RPCs from signalling servers being handled by the media node (queued ones included)',
    registers: [this.registry],
  });
  /** Events mediasoup delivers to the node for each consumer (score, layerschange, ...). */
  readonly consumerEvents = new Counter({
    name: 'parley_media_consumer_events_total',
    help: 'Per-consumer notifications the media node received from its workers, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** `parley_media_rpc_queued`: RPCs waiting for the gate (rpcGate.ts), read at scrape time. */
  watchRpcGate(gate: { readonly queued: number }): void {
    new Gauge({
      name: 'parley_media_rpc_queued',
      help: 'RPCs waiting on the media node for a worker slot (the node bounds the requests its workers have in flight)',
      registers: [this.registry],
      collect() {
        this.set(gate.queued);
      },
    });
  }

  /** Counts the consumer's notifications (score, layerschange) in `consumerEvents`. */
  watchConsumer(consumer: Consumer): void {
    consumer.observer.on('score', () => this.consumerEvents.inc({ event: 'score' }));
    consumer.observer.on('layerschange', () => this.consumerEvents.inc({ event: 'layerschange' }));
  }

  /** Runs one RPC, counting it in flight and timing it under its method (or `invalid`). */
  async timeRpc<T>(payload: unknown, run: () => Promise<T>): Promise<T> {
    const method = (payload as { method?: unknown } | null)?.method;
    const label = typeof method === 'string' && Object.hasOwn(MediaRpcMethods, method) ? method : 'invalid';
    const end = this.rpcSeconds.startTimer({ method: label });
    this.rpcInFlight.inc();
    try {
      return await run();
    } finally {
      this.rpcInFlight.dec();
      end();
    }
  }
}
