import type { WorkerLoad } from '@parley/protocol';

/** What placement needs to know of a node (a MediaNodeSummary fits). */
export interface NodeLoad {
  id: string;
  connected: boolean;
  workers: WorkerLoad[];
  /** A draining node takes nothing new. */
  draining?: boolean;
}

/** Media work of one worker: producers + consumers (known at once), CPU (measured, lags). */
const work = (w: WorkerLoad): number => w.producers + w.consumers;

/**
 * Where a new SFU meeting goes: the connected node whose least-loaded worker is the least loaded
 * (fewest producers + consumers, then fewest routers, then lowest CPU), ties broken by the node's
 * total work and then its id so every instance agrees. The node puts the router on that worker
 * itself (WorkerPool.leastLoaded). Draining nodes are skipped. Null when no node has a live worker.
 */
export function leastLoadedNode<N extends NodeLoad>(nodes: readonly N[]): N | null {
  let best: { node: N; key: number[] } | null = null;
  for (const node of nodes) {
    if (!node.connected || node.workers.length === 0 || node.draining) continue;
    const lightest = [...node.workers].sort((a, b) => work(a) - work(b) || a.routers - b.routers || a.cpu - b.cpu)[0]!;
    const total = node.workers.reduce((n, w) => n + work(w), 0);
    const key = [work(lightest), lightest.routers, lightest.cpu, total];
    if (!best || compareKeys(key, best.key) < 0 || (compareKeys(key, best.key) === 0 && node.id < best.node.id))
      best = { node, key };
  }
  return best?.node ?? null;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
