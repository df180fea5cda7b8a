import type { WorkerLoad } from '@parley/protocol';
import type { Router, Transport, Worker } from 'mediasoup/types';
import type { MediaNodeMetrics } from './metrics/mediaNodeMetrics.js';

/**
 * Load of one mediasoup worker: counts of routers, transports, producers and consumers (kept
 * from mediasoup's observer events, so objects created anywhere are counted) and CPU, a fraction
 * of one core from the deltas of getResourceUsage() (ru_utime + ru_stime, in ms) between samples.
 */
export class WorkerLoadTracker {
  private routers = 0;
  private transports = 0;
  private producers = 0;
  private consumers = 0;
  private cpu = 0;
  private lastSample: { at: number; cpuMs: number } | null = null;
  /** A getResourceUsage is out (see sample). */
  private sampling = false;

  constructor(
    readonly index: number,
    readonly worker: Worker,
    private readonly metrics?: MediaNodeMetrics,
    private readonly clock: () => number = Date.now,
  ) {
    worker.observer.on('newrouter', (router: Router) => this.trackRouter(router));
  }

  private trackRouter(router: Router): void {
    this.routers++;
    router.observer.once('close', () => this.routers--);
    router.observer.on('newtransport', (transport: Transport) => this.trackTransport(transport));
  }

  private trackTransport(transport: Transport): void {
    this.transports++;
    transport.observer.once('close', () => this.transports--);
    transport.observer.on('newproducer', (producer) => {
      this.producers++;
      producer.observer.once('close', () => this.producers--);
    });
    transport.observer.on('newconsumer', (consumer) => {
      this.consumers++;
      this.metrics?.watchConsumer(consumer);
      consumer.observer.once('close', () => this.consumers--);
    });
  }

  /**
   * Takes a CPU sample; the first one only sets the baseline. Skipped (false) while the previous
   * one waits for the worker: a worker that answers late must not get a pile of samples on top
   * of its backlog. The time is taken when the answer arrives, so a late answer does not skew
   * the CPU fraction.
   */
  async sample(): Promise<boolean> {
    if (this.worker.closed) return false;
    const worker = String(this.index);
    if (this.sampling) {
      this.metrics?.workerSamplesSkipped.inc({ worker });
      return false;
    }
    this.sampling = true;
    const end = this.metrics?.workerSampleSeconds.startTimer({ worker });
    this.metrics?.workerSamplesPending.inc({ worker });
    let usage;
    try {
      usage = await this.worker.getResourceUsage();
    } finally {
      this.sampling = false;
      this.metrics?.workerSamplesPending.dec({ worker });
      end?.();
    }
    const now = this.clock();
    const cpuMs = usage.ru_utime + usage.ru_stime;
    if (this.lastSample && now > this.lastSample.at) {
      this.cpu = Math.max(0, (cpuMs - this.lastSample.cpuMs) / (now - this.lastSample.at));
    }
    this.lastSample = { at: now, cpuMs };
    return true;
  }

  snapshot(): WorkerLoad {
    return {
      index: this.index,
      pid: this.worker.pid,
      cpu: Math.round(this.cpu * 1000) / 1000,
      ...(this.lastSample ? { cpuMs: this.lastSample.cpuMs, sampledAt: this.lastSample.at } : {}),
      routers: this.routers,
      transports: this.transports,
      producers: this.producers,
      consumers: this.consumers,
    };
  }
}

/**
 * Orders workers for placing a new router: fewest producers + consumers (the media work, known
 * at once), then fewest routers, then lowest CPU (measured, so it lags), then lowest index.
 */
export function compareLoad(a: WorkerLoad, b: WorkerLoad): number {
  return (
    a.producers + a.consumers - (b.producers + b.consumers) ||
    a.routers - b.routers ||
    a.cpu - b.cpu ||
    a.index - b.index
  );
}
