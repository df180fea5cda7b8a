import type { WorkerLoad } from '@parley/protocol';
import { compareLoad } from '../load.js';

export interface RouterUse {
  workerIndex: number;
  consumers: number;
}

export interface TransportPlacementInput {
  direction: 'send' | 'recv' | undefined;
  /** SFU_CONSUMER_BUDGET per router; undefined: everything on the primary router. */
  consumerBudget: number | undefined;
  primaryWorker: number;
  /** The meeting's routers on this node. */
  routers: RouterUse[];
  /** Live workers of the node. */
  workers: WorkerLoad[];
}

/**
 * Which worker's router of the meeting gets a new transport. Send transports and meetings
 * without a budget stay on the primary router (producers live there, so nothing is piped for
 * the common case). A recv transport goes on the meeting's router with the fewest consumers while
 * that is under the budget; when every router of the meeting is at the budget, on the
 * least-loaded worker the meeting does not use yet (a new router), else on its least-busy router.
 */
export function chooseTransportWorker(input: TransportPlacementInput): number {
  const { direction, consumerBudget, primaryWorker, routers, workers } = input;
  if (direction !== 'recv' || consumerBudget === undefined) return primaryWorker;
  const byConsumers = [...routers].sort(
    (a, b) =>
      a.consumers - b.consumers ||
      Number(b.workerIndex === primaryWorker) - Number(a.workerIndex === primaryWorker) ||
      a.workerIndex - b.workerIndex,
  );
  const under = byConsumers.find((r) => r.consumers < consumerBudget);
  if (under) return under.workerIndex;
  const used = new Set(routers.map((r) => r.workerIndex));
  const fresh = workers.filter((w) => !used.has(w.index)).sort(compareLoad)[0];
  if (fresh) return fresh.index;
  return byConsumers[0]?.workerIndex ?? primaryWorker;
}
