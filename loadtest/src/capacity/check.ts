/**
 * `capacity check`: the plan as the load-test clients will really run it, the load test at
 * that size, and predicted vs measured worker CPU.
 */
import { DEFAULT_TILE_MIX } from '../bots/tilePlan.js';
import { botSimulcastStreams, botStreams } from './botTraffic.js';
import { compareCpu, type CheckResult } from './checkResult.js';
import {
  botsSendSimulcast,
  cameraSize,
  CHECK_MESH_MAX,
  runLoadTestAt,
  type CheckRunOptions,
  type MeasuredCpu,
} from './loadAdapter.js';
import type { StreamOverrides } from './meetingTraffic.js';
import { planCapacity, type CapacityPlan } from './plan.js';
import { parsePlanInput, type PlanInput, type PlanSettings, type WorkerCostInput } from './planInput.js';

/**
 * How much cheaper a worker forwards plain RTP than SRTP (browsers, and what bench:sfu
 * measures): with Parley's worker build (recipe 3, libsrtp on OpenSSL), the audio mix forwarded
 * ~367k packets per CPU-second on plain RTP and ~261k on SRTP (`npm run bench:sfu -- --mix audio
 * --no-srtp` and without; bench/sfu/README.md). Used only for bots run with
 * `--no-bot-srtp`: by default the bots receive over SRTP, like browsers.
 */
export const PLAIN_RTP_SPEEDUP = 367 / 261;

/**
 * The worker cost the bots will see: the calibration's as is when they receive over SRTP (as
 * the calibration's consumers do); with plain RTP (`botSrtp: false`), packets × `speedup`.
 */
export function botWorkerCost(
  cost: WorkerCostInput,
  botSrtp: boolean,
  speedup = PLAIN_RTP_SPEEDUP,
): { cost: WorkerCostInput; adjustment: string | null } {
  if (botSrtp) return { cost, adjustment: null };
  if (!(speedup > 0)) throw new Error(`plain RTP speed-up must be above 0, got ${speedup}`);
  return {
    cost: {
      ...cost,
      ppsOutPerCpuSecond: cost.ppsOutPerCpuSecond * speedup,
      cpuSecondsPerPacketIn: (cost.cpuSecondsPerPacketIn ?? 0) / speedup,
    },
    adjustment: `packets per worker CPU-second × ${speedup.toFixed(2)} (the bots receive plain RTP, the calibration SRTP)`,
  };
}

export interface CheckOutcome {
  plan: CapacityPlan;
  /** What differs between the requested plan and the one the load test runs. */
  adjustments: string[];
  measured: MeasuredCpu;
  result: CheckResult;
  /** Why the run did not put the planned load on the workers (empty when it did). */
  problems: string[];
  /** Within tolerance and no problems. */
  passed: boolean;
  reportDir: string;
}

/** Received traffic further than this from the plan means the run was not the planned load. */
export const TRAFFIC_TOLERANCE = 0.1;

/** What made the measured run differ from the planned load. */
export function runProblems(failedClients: number, predictedBps: number, receivedBps: number | null): string[] {
  const problems: string[] = [];
  if (failedClients > 0) problems.push(`${failedClients} client(s) failed to join (see the load-test report)`);
  if (receivedBps !== null && predictedBps > 0) {
    const off = (receivedBps - predictedBps) / predictedBps;
    if (Math.abs(off) > TRAFFIC_TOLERANCE) {
      problems.push(
        `the clients received ${Math.abs(off * 100).toFixed(0)} % ${off < 0 ? 'less' : 'more'} than the plan sends (an overloaded load generator, or joins that failed)`,
      );
    }
  }
  return problems;
}

/**
 * The requested settings, changed to what the load-test clients do: browsers have a mic only
 * when they send a camera; RTP bots have the plan's mics (camera senders first, then receivers
 * with a mic), send simulcast from 540 lines (one VP8 stream below) and consume every producer
 * (no paging; the layers come from their tile mix).
 */
export function asLoadTested(
  s: PlanSettings,
  clients: CheckRunOptions['clients'],
): { settings: PlanSettings; adjustments: string[] } {
  const adjustments: string[] = [];
  const settings: PlanSettings = { ...s };
  if (s.participants <= CHECK_MESH_MAX)
    throw new Error(
      `check needs more than ${CHECK_MESH_MAX} participants per meeting (smaller meetings stay in the P2P mesh)`,
    );
  if (clients === 'browsers' && (s.audioSenders ?? s.participants) !== s.senders) {
    settings.audioSenders = s.senders;
    adjustments.push(`mics: ${s.senders} per meeting (load-test receivers send nothing)`);
  }
  if (clients === 'bots') {
    if (s.audioSenders === undefined) {
      settings.audioSenders = s.senders;
      adjustments.push(`mics: ${s.senders} per meeting (the camera senders; give --audio-senders for more)`);
    }
    if (s.simulcast && !botsSendSimulcast(s)) {
      settings.simulcast = false;
      adjustments.push('no simulcast (RTP bots send 3 layers from 540 lines up, one VP8 stream below)');
    } else if (s.simulcast) {
      adjustments.push("layers from the bots' tile mix (most small tiles: layer 0), not the layout");
    }
    if (s.pageSize <= s.participants) {
      settings.pageSize = s.participants + 1;
      adjustments.push('every camera visible (RTP bots consume and resume every producer)');
    }
    adjustments.push("stream rates from the bots' VP8 clip and opus silence, not the bitrate table");
  }
  return { settings, adjustments };
}

export async function runCheck(
  input: PlanInput,
  cost: WorkerCostInput,
  run: CheckRunOptions & { tolerancePercent: number; plainRtpSpeedup?: number },
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  const { settings, adjustments } = asLoadTested(parsePlanInput(input), run.clients);
  const video = cameraSize(settings);
  let overrides: StreamOverrides = {};
  let workerCost = cost;
  if (run.clients === 'bots') {
    onLine(
      `reading the bots' VP8 clip ${video.width}x${video.height}@${video.fps} (encoded by Chromium on first use) ...`,
    );
    overrides = botsSendSimulcast(settings)
      ? await botSimulcastStreams(video, settings.participants, settings.senders, run.botTiles ?? DEFAULT_TILE_MIX)
      : await botStreams(video);
    const bot = botWorkerCost(cost, run.botSrtp ?? true, run.plainRtpSpeedup ?? PLAIN_RTP_SPEEDUP);
    workerCost = bot.cost;
    if (bot.adjustment) adjustments.push(bot.adjustment);
  }
  const plan = planCapacity(settings, workerCost, overrides);
  const { report, measured } = await runLoadTestAt(plan.settings, run, { onLine, ...(signal ? { signal } : {}) });
  const result = compareCpu(plan.totals.workerCpu, measured.workerCpu, run.tolerancePercent);
  // the plan counts IP/UDP headers and the clients do not: a few % apart when all is well
  const problems = runProblems(report.summary.failed, plan.totals.out.bps, measured.clientsDownBps);
  return {
    plan,
    adjustments,
    measured,
    result,
    problems,
    passed: result.withinTolerance && problems.length === 0,
    reportDir: run.outDir,
  };
}
