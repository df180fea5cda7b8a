/**
 * The capacity plan: meetings × meeting traffic → worker CPU, workers (= cores), media nodes,
 * bandwidth, with headroom. Pure; the CLI prints it, `check` compares it with a load test.
 */
import { meetingTraffic, type MeetingTraffic, type ParticipantClass, type StreamOverrides } from './meetingTraffic.js';
import { scaleRate, type StreamRate } from './mediaRates.js';
import {
  parsePlanInput,
  parseWorkerCost,
  type PlanInput,
  type PlanSettings,
  type WorkerCost,
  type WorkerCostInput,
} from './planInput.js';

/** The calibration measures consumers per core at about this CPU utilisation. */
export const CONSUMERS_PER_CORE_AT = 0.8;
/** Rooms of this many participants or fewer stay in the P2P mesh (MESH_MAX_PARTICIPANTS). */
export const MESH_MAX_PARTICIPANTS = 4;

export type WorkerLimit = 'cpu' | 'consumers' | 'meeting spread';

/**
 * SFU_CONSUMER_BUDGET from a calibration: the consumers one worker carries at the target
 * utilisation (1 − headroom), rounded down to a hundred. A router under it keeps the meeting's
 * new receivers on its worker; past it they go to another worker's router, which costs a pipe of
 * every producer. mediasoup's rule of thumb (~400-500 consumers per worker) predates the workers
 * measured here: on the calibration machine a worker carries several times that, and a budget of
 * 400 spread a 300-person meeting over 11 routers where 2 workers had the CPU for it.
 */
export function consumerBudgetFor(cost: Pick<WorkerCost, 'consumersPerCore'>, headroom: number): number {
  const perWorker = cost.consumersPerCore * ((1 - headroom) / CONSUMERS_PER_CORE_AT);
  return Math.max(100, Math.floor(perWorker / 100) * 100);
}

export interface CapacityPlan {
  settings: PlanSettings;
  cost: WorkerCost;
  meeting: MeetingTraffic;
  /** CPU (cores busy) of one meeting, and of its busiest (primary) worker. */
  meetingCpu: number;
  primaryWorkerCpu: number;
  totals: {
    in: StreamRate;
    out: StreamRate;
    pipe: StreamRate;
    consumers: number;
    activeConsumers: number;
    /** Predicted worker CPU, in cores (CPU-seconds per second, summed over workers). */
    workerCpu: number;
  };
  targetUtilisation: number;
  workersBy: Record<WorkerLimit, number>;
  workers: number;
  limitedBy: WorkerLimit;
  cores: number;
  mediaNodes: number;
  /** Mean utilisation of the planned workers. */
  utilisation: number;
  /** bit/s at each node's network interface (meetings spread evenly over nodes). */
  perNode: { inBps: number; outBps: number };
  /** bit/s per participant, by kind of participant. */
  perParticipant: Array<{ kind: ParticipantClass['name']; count: number; upBps: number; downBps: number }>;
  warnings: string[];
}

/** CPU (cores) to receive `packetsIn` and send `packetsOut` packets per second. */
export function cpuFor(cost: WorkerCost, packetsIn: number, packetsOut: number): number {
  return packetsOut / cost.ppsOutPerCpuSecond + packetsIn * cost.cpuSecondsPerPacketIn;
}

export function planCapacity(
  input: PlanInput,
  costInput: WorkerCostInput,
  overrides: StreamOverrides = {},
): CapacityPlan {
  const s = parsePlanInput(input);
  const cost = parseWorkerCost(costInput);
  const m = meetingTraffic(s, overrides);
  const target = 1 - s.headroom;

  const meetingCpu = cpuFor(cost, m.in.pps + m.pipe.pps, m.out.pps + m.pipe.pps);
  const primaryShare = Math.min(1, m.receiversPerRouter / s.participants);
  const primaryWorkerCpu = cpuFor(cost, m.in.pps, m.out.pps * primaryShare + m.pipe.pps);

  const totals = {
    in: scaleRate(m.in, s.meetings),
    out: scaleRate(m.out, s.meetings),
    pipe: scaleRate(m.pipe, s.meetings),
    consumers: m.consumers * s.meetings,
    activeConsumers: m.activeConsumers * s.meetings,
    workerCpu: meetingCpu * s.meetings,
  };
  const consumersPerWorker = cost.consumersPerCore * (target / CONSUMERS_PER_CORE_AT);
  const workersBy: Record<WorkerLimit, number> = {
    cpu: Math.ceil(round9(totals.workerCpu / target)),
    consumers: Math.ceil(round9(totals.activeConsumers / consumersPerWorker)),
    'meeting spread': m.routers,
  };
  const limitedBy = (Object.keys(workersBy) as WorkerLimit[]).reduce((a, b) => (workersBy[b] > workersBy[a] ? b : a));
  const workers = Math.max(1, workersBy[limitedBy]);
  const mediaNodes = Math.ceil(workers / s.coresPerNode);

  const warnings: string[] = [];
  if (s.participants <= MESH_MAX_PARTICIPANTS) {
    warnings.push(
      `meetings of ${s.participants} run as a P2P mesh with the default MESH_MAX_PARTICIPANTS=${MESH_MAX_PARTICIPANTS}; this plan assumes they use the SFU`,
    );
  }
  if (primaryWorkerCpu > target) {
    warnings.push(
      `one meeting's primary worker needs ${pct(primaryWorkerCpu)} of a core (target ${pct(target)}): lower SFU_CONSUMER_BUDGET to spread it, or fewer senders/lower resolution`,
    );
  }
  if (m.routers > s.coresPerNode) {
    warnings.push(
      `one meeting spreads over ${m.routers} workers but a node has ${s.coresPerNode}: it spreads over media nodes (pipe transports) only when the servers set SFU_NODE_CONSUMER_BUDGET, else its extra receivers share the node's busiest routers (docs/sfu.md)`,
    );
  }

  return {
    settings: s,
    cost,
    meeting: m,
    meetingCpu,
    primaryWorkerCpu,
    totals,
    targetUtilisation: target,
    workersBy,
    workers,
    limitedBy,
    cores: workers,
    mediaNodes,
    utilisation: totals.workerCpu / workers,
    perNode: { inBps: totals.in.bps / mediaNodes, outBps: totals.out.bps / mediaNodes },
    perParticipant: m.classes.map((c) => ({ kind: c.name, count: c.count, upBps: c.up.bps, downBps: c.down.bps })),
    warnings,
  };
}

/** Rounds away floating-point dust before ceil (0.7 × 10 / 0.7 must stay 10). */
function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}
