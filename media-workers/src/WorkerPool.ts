import { EventEmitter } from 'node:events';
import type { WorkerLoad } from '@parley/protocol';
import * as mediasoup from 'mediasoup';
import type { TransportListenInfo, WebRtcServer, Worker, WorkerLogLevel } from 'mediasoup/types';
import type { Logger } from './logger.js';
import { compareLoad, WorkerLoadTracker } from './load.js';
import type { MediaNodeMetrics } from './metrics/mediaNodeMetrics.js';

export interface WorkerPoolOptions {
  /** Number of workers (one per core). */
  workers: number;
  listenIp: string;
  /** Also listen here, same ports (see MediaConfig.secondListenIp). */
  secondListenIp?: string | undefined;
  announcedAddress?: string | undefined;
  /** Worker i's WebRtcServer listens on rtcPort + i, UDP and TCP. */
  rtcPort: number;
  logger: Logger;
  workerLogLevel?: WorkerLogLevel;
  metrics?: MediaNodeMetrics;
}

/** One slot of the pool: a worker, its WebRtcServer and load. Replaced as a whole on death. */
export interface PoolWorker {
  index: number;
  port: number;
  worker: Worker;
  webRtcServer: WebRtcServer;
  load: WorkerLoadTracker;
}

export interface WorkerDiedEvent {
  index: number;
  pid: number;
  error: Error;
}

export interface WorkerPoolEvents {
  /** A worker process died; its routers are gone. A replacement is being started. */
  workerDied: [WorkerDiedEvent];
  /** A new worker runs in the slot of a dead one (same index, same port). */
  workerReplaced: [PoolWorker];
}

const RESPAWN_DELAYS_MS = [0, 500, 1000, 2000, 5000];

/**
 * One mediasoup Worker per configured core, each with a WebRtcServer on its own UDP and TCP
 * port, so every transport of a worker shares that port pair (what a firewall has to open is
 * MEDIA_RTC_PORT .. MEDIA_RTC_PORT + workers - 1). A worker that dies is replaced by a new one on
 * the same port.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly slots: (PoolWorker | null)[];
  private closing = false;

  constructor(private readonly options: WorkerPoolOptions) {
    super();
    this.slots = Array.from({ length: options.workers }, () => null);
  }

  async start(): Promise<void> {
    try {
      for (let index = 0; index < this.slots.length; index++) {
        this.slots[index] = await this.createSlot(index);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Live workers (a slot whose worker died and is not yet replaced is left out). */
  all(): PoolWorker[] {
    return this.slots.filter((s): s is PoolWorker => s !== null);
  }

  get(index: number): PoolWorker | undefined {
    return this.slots[index] ?? undefined;
  }

  /** The worker to put a new router on (see compareLoad). */
  leastLoaded(): PoolWorker {
    const live = this.all();
    const best = live
      .map((slot) => ({ slot, load: slot.load.snapshot() }))
      .sort((a, b) => compareLoad(a.load, b.load))[0];
    if (!best) throw new Error('no live mediasoup worker');
    return best.slot;
  }

  loads(): WorkerLoad[] {
    return this.all().map((slot) => slot.load.snapshot());
  }

  /** Takes a CPU sample of every worker (a failing sample is skipped). */
  async sampleLoad(): Promise<void> {
    await Promise.all(this.all().map((slot) => slot.load.sample().catch(() => undefined)));
  }

  close(): Promise<void> {
    this.closing = true;
    for (const slot of this.all()) slot.worker.close();
    this.slots.fill(null);
    return Promise.resolve();
  }

  private async createSlot(index: number): Promise<PoolWorker> {
    const { listenIp, secondListenIp, announcedAddress, rtcPort, logger } = this.options;
    const port = rtcPort + index;
    // mediasoup closes each worker on the process's SIGTERM; this node drains on SIGTERM instead
    // (main.ts) and closes its workers itself, so the listener the worker adds is taken off.
    const before = new Set(process.listeners('SIGTERM'));
    const worker = await mediasoup.createWorker({
      logLevel: this.options.workerLogLevel ?? 'warn',
      appData: { index },
    });
    for (const listener of process.listeners('SIGTERM'))
      if (!before.has(listener)) process.removeListener('SIGTERM', listener);
    try {
      const listen = (protocol: 'udp' | 'tcp', ip = listenIp): TransportListenInfo => ({
        protocol,
        ip,
        port,
        ...(announcedAddress ? { announcedAddress } : {}),
      });
      const listenInfos = [listen('udp'), listen('tcp')];
      if (secondListenIp) listenInfos.push(listen('udp', secondListenIp), listen('tcp', secondListenIp));
      const webRtcServer = await worker.createWebRtcServer({ listenInfos });
      const slot: PoolWorker = {
        index,
        port,
        worker,
        webRtcServer,
        load: new WorkerLoadTracker(index, worker, this.options.metrics),
      };
      worker.on('died', (error: Error) => this.onDied(slot, error));
      logger.info(
        { worker: index, workerPid: worker.pid, port, listenIp, secondListenIp, announcedAddress },
        'mediasoup worker started',
      );
      return slot;
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  private onDied(slot: PoolWorker, error: Error): void {
    if (this.closing || this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = null;
    this.options.logger.error(
      { worker: slot.index, workerPid: slot.worker.pid, err: error.message },
      'mediasoup worker died; replacing it',
    );
    this.emit('workerDied', { index: slot.index, pid: slot.worker.pid, error });
    void this.respawn(slot.index);
  }

  private async respawn(index: number): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      const delay = RESPAWN_DELAYS_MS[Math.min(attempt, RESPAWN_DELAYS_MS.length - 1)] ?? 5000;
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.closing) return;
      try {
        const slot = await this.createSlot(index);
        if (this.closing) {
          slot.worker.close();
          return;
        }
        this.slots[index] = slot;
        this.emit('workerReplaced', slot);
        return;
      } catch (error) {
        this.options.logger.error(
          { worker: index, attempt, err: (error as Error).message },
          'could not start a replacement worker; retrying',
        );
      }
    }
  }
}
