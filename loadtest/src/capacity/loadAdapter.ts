/**
 * The one place that knows the load-test runner (loadtest/src/runLoadTest.ts,
 * loadtest/src/reportTypes.ts): turns a plan's size into load-test options, runs it, and reads
 * the measured worker CPU back from the report.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { LoadReport } from '../reportTypes.js';
import type { LoadTestInput } from '../options.js';
import type { TileMix } from '../bots/tilePlan.js';
import type { PlanSettings } from './planInput.js';

export type CheckClients = 'bots' | 'browsers';

/** MESH_MAX_PARTICIPANTS of the embedded Parley: meetings must be bigger to reach the SFU. */
export const CHECK_MESH_MAX = 3;

export interface CheckRunOptions {
  clients: CheckClients;
  durationSec: number;
  /** First port of the embedded Parley (HTTP, media RPC, RTC). */
  portBase: number;
  /** MEDIA_WORKERS of the embedded Parley. */
  mediaWorkers?: number;
  joinRate: number;
  outDir: string;
  /** Parley under test; unset starts an embedded one. */
  target?: string;
  /** RTP bots receive over SRTP (default true); false: plain RTP (`--no-bot-srtp`). */
  botSrtp?: boolean;
  /** Which tiles the receiving bots show (simulcast bots only; default bots/tilePlan.ts DEFAULT_TILE_MIX). */
  botTiles?: TileMix;
  /** Logins per second of the load test's login phase (its default when unset). */
  loginRate?: number;
}

/** The camera the load-test clients send: 16:9 at the plan's height (even width). */
export function cameraSize(s: PlanSettings): { width: number; height: number; fps: number } {
  return { width: Math.round((s.resolution * 16) / 9 / 2) * 2, height: s.resolution, fps: s.fps };
}

/** RTP bots send simulcast as browsers do from 540 lines up (3 layers, as the planner's ÷4, ÷2, ÷1). */
export function botsSendSimulcast(s: Pick<PlanSettings, 'simulcast' | 'resolution'>): boolean {
  return s.simulcast && s.resolution >= 540;
}

/** The load test at the plan's size: senders send camera (+ mic), the others only receive. */
export function loadTestOptions(s: PlanSettings, run: CheckRunOptions): LoadTestInput {
  const receivers = s.participants - s.senders;
  const video = cameraSize(s);
  const clients =
    run.clients === 'bots'
      ? { senders: 0, receivers: 0, botSenders: s.senders, botReceivers: receivers }
      : { senders: s.senders, receivers, botSenders: 0, botReceivers: 0 };
  return {
    ...(run.target ? { target: run.target } : {}),
    meetings: s.meetings,
    ...clients,
    video,
    joinRate: run.joinRate,
    durationSec: run.durationSec,
    portBase: run.portBase,
    ...(run.mediaWorkers ? { mediaWorkers: run.mediaWorkers } : {}),
    // the plan's SFU_CONSUMER_BUDGET, so the embedded Parley spreads the meeting as planned
    consumerBudget: s.consumerBudget,
    ...(run.clients === 'bots' && run.botSrtp === false ? { botSrtp: false } : {}),
    // bots as browsers: simulcast from 540 lines (capacity/check.ts botsSendSimulcast), the plan's mics
    ...(run.clients === 'bots' && botsSendSimulcast(s)
      ? { botSimulcast: true, ...(run.botTiles ? { botTiles: run.botTiles } : {}) }
      : {}),
    ...(run.clients === 'bots' && s.audioSenders !== undefined ? { botAudioSenders: s.audioSenders } : {}),
    ...(run.loginRate ? { loginRate: run.loginRate } : {}),
    // the SFU from the 4th join (bots need it; MESH_RETURN_AT 2 must stay below)
    meshMax: CHECK_MESH_MAX,
    outDir: run.outDir,
    thresholds: [],
    progress: 'none',
  };
}

export interface MeasuredCpu {
  /** Mean over the steady samples of the sum of worker CPU (cores). */
  workerCpu: number;
  workerCpuMax: number | null;
  samples: number;
  /** Which samples were used. */
  basis: string;
  /** Mean bit/s all clients received over the same period (what the SFU sent), null if unknown. */
  clientsDownBps: number | null;
}

/**
 * Worker CPU while everyone is in: the server samples taken after the last join (from the
 * timeline), leaving out the first one (it spans the join); all samples if none qualify.
 */
export function measuredWorkerCpu(report: Pick<LoadReport, 'timeline' | 'server' | 'summary'>): MeasuredCpu {
  const target = report.summary.clients - report.summary.failed;
  const allIn = report.timeline.find((p) => p.joined >= target && target > 0)?.t ?? null;
  const usable = report.server.filter((s) => s.ok && s.workerCpuTotal !== null);
  let steady = allIn === null ? [] : usable.filter((s) => s.t > allIn).slice(1);
  let basis = `${steady.length} samples after the last join (first one left out)`;
  if (steady.length === 0) {
    steady = usable;
    basis = `all ${usable.length} samples (none after the last join)`;
  }
  if (steady.length === 0)
    throw new Error('the load test recorded no worker CPU (no /metrics sample with parley_media worker CPU)');
  const totals = steady.map((s) => s.workerCpuTotal as number);
  const maxes = steady.map((s) => s.workerCpuMax).filter((v): v is number => v !== null);
  const from = steady[0]!.t;
  const down = report.timeline.filter((p) => p.t >= from).map((p) => p.bitrateInTotal);
  return {
    workerCpu: totals.reduce((a, b) => a + b, 0) / totals.length,
    workerCpuMax: maxes.length > 0 ? Math.max(...maxes) : null,
    samples: steady.length,
    basis,
    clientsDownBps: down.length > 0 ? down.reduce((a, b) => a + b, 0) / down.length : null,
  };
}

type RunLoadTest = (
  options: LoadTestInput,
  hooks?: { onLine?: (line: string) => void; signal?: AbortSignal },
) => Promise<LoadReport>;
const RUNNER_MODULE = path.resolve(import.meta.dirname, '../runLoadTest.ts');

export async function runLoadTestAt(
  s: PlanSettings,
  run: CheckRunOptions,
  hooks: { onLine?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<{ report: LoadReport; measured: MeasuredCpu }> {
  let mod: { runLoadTest?: RunLoadTest };
  try {
    mod = (await import(pathToFileURL(RUNNER_MODULE).href)) as { runLoadTest?: RunLoadTest };
  } catch (err) {
    throw new Error(`the load-test runner (${RUNNER_MODULE}) cannot be loaded: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof mod.runLoadTest !== 'function') throw new Error(`${RUNNER_MODULE} does not export runLoadTest`);
  const report = await mod.runLoadTest(loadTestOptions(s, run), hooks);
  return { report, measured: measuredWorkerCpu(report) };
}
