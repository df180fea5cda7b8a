/**
 * `--find-max` with real runs: every step is a full `runLoadTest` of ONE meeting (a fresh
 * embedded Parley each time unless --target) into `<out>/step-<n>/`; prints a table of the
 * steps and writes `<out>/find-max.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Table from 'cli-table3';
import type { LoadTestInput } from '../options.js';
import type { LoadReport } from '../reportTypes.js';
import { runLoadTest, type RunHooks } from '../runLoadTest.js';
import {
  findMax,
  HEALTHY_THRESHOLDS,
  type FindMaxGrowth,
  type FindMaxResult,
  type StepOutcome,
  type StepSize,
} from './search.js';

export interface FindMaxFile extends FindMaxResult {
  tool: 'parley-loadtest-find-max';
  startedAt: string;
  finishedAt: string;
  thresholds: string[];
  growth: FindMaxGrowth;
  senders: number;
  botSenders: number;
  video: { width: number; height: number; fps: number };
  /** In words, e.g. "largest healthy meeting: 24 participants (step 3)". */
  verdict: string;
}

export function stepOutcome(size: StepSize, report: LoadReport, reportDir: string): StepOutcome {
  const s = report.summary;
  return {
    ...size,
    clients: s.clients,
    joined: s.joined,
    joinMsP95: s.joinMs.p95,
    fpsRatioMin: s.fpsRatio.min,
    workerCpuMax: s.workerCpu.max,
    botCpuPct: report.cost?.botCpuPct ?? null,
    browserCpuPct: report.cost?.browserCpuPct ?? null,
    healthy: report.passed,
    missed: report.thresholds.filter((t) => !t.passed).map((t) => t.message),
    reportDir,
  };
}

const fmt = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));

export function stepsTable(steps: readonly StepOutcome[]): string {
  const table = new Table({
    head: [
      'step',
      'receivers',
      'bot receivers',
      'size',
      'joined',
      'p95 join ms',
      'min fps ratio',
      'worker CPU max %',
      'CPU/bot %',
      'CPU/browser %',
      'healthy',
    ],
    style: { head: [], border: [] },
  });
  for (const s of steps) {
    table.push([
      s.step,
      s.receivers,
      s.botReceivers,
      s.clients,
      s.joined,
      fmt(s.joinMsP95),
      fmt(s.fpsRatioMin, 2),
      fmt(s.workerCpuMax === null ? null : s.workerCpuMax * 100),
      fmt(s.botCpuPct, 2),
      fmt(s.browserCpuPct, 1),
      s.healthy ? 'yes' : `NO: ${s.missed.join('; ')}`,
    ]);
  }
  return table.toString();
}

/** Runs the search; `base` is the run of step 0 (its receivers are the base counts). */
export async function runFindMax(
  base: LoadTestInput,
  growth: Omit<FindMaxGrowth, 'baseReceivers' | 'baseBotReceivers'>,
  thresholds: readonly string[] | undefined,
  hooks: RunHooks = {},
): Promise<FindMaxFile> {
  const outDir = resolve(base.outDir ?? 'loadtest-report');
  mkdirSync(outDir, { recursive: true });
  const fullGrowth: FindMaxGrowth = {
    ...growth,
    baseReceivers: base.receivers ?? 0,
    baseBotReceivers: base.botReceivers ?? 0,
  };
  const rules = [...(thresholds ?? HEALTHY_THRESHOLDS)];
  const startedAt = new Date();
  const result = await findMax(
    fullGrowth,
    async (size) => {
      const reportDir = `step-${size.step}`;
      hooks.onLine?.(
        `find-max step ${size.step}: ${size.receivers} browser receivers, ${size.botReceivers} bot receivers ...`,
      );
      const report = await runLoadTest(
        {
          ...base,
          meetings: 1,
          receivers: size.receivers,
          botReceivers: size.botReceivers,
          thresholds: rules,
          outDir: join(outDir, reportDir),
        },
        hooks,
      );
      const outcome = stepOutcome(size, report, reportDir);
      hooks.onLine?.(
        `find-max step ${size.step}: ${outcome.clients} participants, ${outcome.healthy ? 'healthy' : `unhealthy (${outcome.missed.join('; ')})`}`,
      );
      return outcome;
    },
    () => hooks.signal?.aborted === true,
  );
  const best = result.largestHealthy;
  const file: FindMaxFile = {
    tool: 'parley-loadtest-find-max',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    thresholds: rules,
    growth: fullGrowth,
    senders: base.senders ?? 2,
    botSenders: base.botSenders ?? 0,
    video: report0Video(base),
    ...result,
    verdict: best
      ? `largest healthy meeting: ${best.clients} participants (step ${best.step}: ${best.receivers} browser receivers, ${best.botReceivers} bot receivers); stopped: ${result.stoppedBecause}`
      : `no healthy step: even step 1 (${result.steps[0]?.clients ?? 0} participants) missed a threshold`,
  };
  writeFileSync(join(outDir, 'find-max.json'), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}

function report0Video(base: LoadTestInput) {
  return base.video ?? { width: 320, height: 180, fps: 15 };
}
