import { Fleet, type ClientKind, type Target } from './fleet.js';
import { runLoadPoint, type LoadPointOptions, type LoadPointResult } from './loadPoint.js';
import { rssBytes } from './procStats.js';
import type { Topology } from './topology.js';

export interface TargetResult {
  name: string;
  /** Server RSS growth per connected idle socket, both instances together, bytes. */
  rssPerSocket: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  connectSeconds: number;
  points: LoadPointResult[];
}

const IDLE_SETTLE_MS = 3000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS of both instances after a full GC in each (bench/chat/gcOnSignal.cjs). */
async function settledRss(pids: number[]): Promise<number> {
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  await sleep(1000);
  return pids.reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Idle memory per socket, then each load point, against one started target. */
export async function measureTarget(
  target: Target,
  topology: Topology,
  rates: number[],
  point: Omit<LoadPointOptions, 'rate'>,
  log: (line: string) => void,
  client: ClientKind = 'light',
): Promise<TargetResult> {
  // A first connect/disconnect cycle grows the servers' pools, caches and allocator arenas to
  // their working size, so the RSS delta below is what the connected sockets themselves hold.
  const warmup = new Fleet(target, topology, client);
  await warmup.connect();
  warmup.close();
  await sleep(2000);
  const before = await settledRss(target.pids);
  const fleet = new Fleet(target, topology, client);
  const connectStart = performance.now();
  try {
    await fleet.connect();
    const connectSeconds = (performance.now() - connectStart) / 1000;
    log(`${target.name}: ${topology.sockets} sockets connected in ${connectSeconds.toFixed(1)} s`);
    await sleep(IDLE_SETTLE_MS);
    const after = await settledRss(target.pids);
    const points: LoadPointResult[] = [];
    for (const rate of rates) {
      log(`${target.name}: ${rate} msgs/s for ${point.warmupS}+${point.durationS} s ...`);
      points.push(await runLoadPoint(fleet, target, topology, { ...point, rate }));
    }
    return {
      name: target.name,
      rssPerSocket: (after - before) / topology.sockets,
      rssBeforeMb: before / 2 ** 20,
      rssAfterMb: after / 2 ** 20,
      connectSeconds,
      points,
    };
  } finally {
    fleet.close();
  }
}
