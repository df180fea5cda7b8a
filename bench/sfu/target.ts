import { randomBytes } from 'node:crypto';
import type { PathName, StreamSpec } from './types.js';

/** One side of the comparison: a worker with the benchmark's topology, built step by step. */
export interface SfuTarget {
  path: PathName;
  /** pid of the mediasoup worker process. */
  workerPid: number;
  /** Creates one comedia plain transport with a producer per stream; returns where RTP goes. */
  setupProducers(streams: StreamSpec[]): Promise<{ ip: string; port: number }>;
  /**
   * Adds `count` receivers: each a plain transport (SRTP unless `srtp` is false) connected to
   * one of `sinkPorts` (round-robin) that consumes every producer (paused: false).
   */
  addReceivers(count: number, sinkPorts: number[], srtp: boolean): Promise<void>;
  /** The worker's cumulative ru_utime + ru_stime (ms, getResourceUsage) and when (epoch ms). */
  cpu(): Promise<{ cpuMs: number; at: number }>;
  close(): Promise<void>;
}

/** The remote side's SRTP key of a receiver (the sink never sends, so any valid key does). */
export function remoteSrtpParameters() {
  return { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80' as const, keyBase64: randomBytes(30).toString('base64') };
}

/** Runs `task(i)` for i in 0..count-1, at most `parallel` at a time. */
export async function inParallel(count: number, parallel: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
}
