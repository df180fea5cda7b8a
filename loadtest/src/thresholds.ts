/**
 * Pass/fail rules of a run, written `metric op value`: `joinMs.p95<=5000`, `fps.p5>=12`,
 * `failed<=0`, `packetLoss.mean<=2%` (a `%` divides by 100). Metrics are read from the run
 * summary; a metric without data (e.g. no receiver measured fps) fails its threshold.
 */
import type { Distribution, RunSummary, ThresholdResult } from './reportTypes.js';

export type ThresholdOp = '<=' | '<' | '>=' | '>' | '==';

export interface Threshold {
  expression: string;
  metric: string;
  op: ThresholdOp;
  limit: number;
}

const DISTRIBUTIONS = [
  'joinMs',
  'firstFrameMs',
  'fps',
  'fpsRatio',
  'freezesPerMinute',
  'packetLoss',
  'jitterMs',
  'rttMs',
  'bitrateIn',
  'eventLoopLagMs',
] as const satisfies readonly (keyof RunSummary)[];
const STATS = ['mean', 'min', 'p5', 'p50', 'p95', 'max', 'count'] as const satisfies readonly (keyof Distribution)[];

const SCALARS: Record<string, (s: RunSummary) => number | null> = {
  clients: (s) => s.clients,
  joined: (s) => s.joined,
  failed: (s) => s.failed,
  failedRatio: (s) => (s.clients ? s.failed / s.clients : 0),
  'workerCpu.max': (s) => s.workerCpu.max,
  'workerCpu.mean': (s) => s.workerCpu.mean,
  'workerCpu.totalMax': (s) => s.workerCpu.totalMax,
  'workerCpu.totalMean': (s) => s.workerCpu.totalMean,
  consumersMax: (s) => s.consumersMax,
  // The login phase (summary.logins): sessions per second, failures, first attempt → session.
  loginRate: (s) => s.logins?.ratePerSec ?? null,
  loginFailed: (s) => s.logins?.failed ?? null,
  ...Object.fromEntries(
    STATS.map((stat) => [`loginMs.${stat}`, (s: RunSummary) => s.logins?.loginMs[stat] ?? null] as const),
  ),
};

/** Every metric name a threshold may use. */
export function thresholdMetrics(): string[] {
  return [...Object.keys(SCALARS), ...DISTRIBUTIONS.flatMap((d) => STATS.map((stat) => `${d}.${stat}`))];
}

function metricValue(metric: string, summary: RunSummary): number | null | undefined {
  const scalar = SCALARS[metric];
  if (scalar) return scalar(summary);
  const [name, stat] = metric.split('.');
  if (
    !(DISTRIBUTIONS as readonly string[]).includes(name ?? '') ||
    !(STATS as readonly string[]).includes(stat ?? '')
  ) {
    return undefined;
  }
  return summary[name as (typeof DISTRIBUTIONS)[number]][stat as (typeof STATS)[number]];
}

const PATTERN = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/;

/** Parses one expression; throws an Error that says what is wrong and what is allowed. */
export function parseThreshold(expression: string): Threshold {
  const match = PATTERN.exec(expression);
  if (!match) {
    throw new Error(
      `threshold "${expression}" is not "metric op value" (op one of <= < >= > ==), e.g. "joinMs.p95<=5000"`,
    );
  }
  const metric = match[1]!;
  if (!thresholdMetrics().includes(metric)) {
    const near = thresholdMetrics().filter((m) => m.split('.')[0] === metric.split('.')[0]);
    throw new Error(
      `unknown threshold metric "${metric}"; ${near.length ? `try one of ${near.join(', ')}` : `known: ${Object.keys(SCALARS).join(', ')}, and <${DISTRIBUTIONS.join('|')}>.<${STATS.join('|')}>`}`,
    );
  }
  const limit = Number(match[3]) / (match[4] === '%' ? 100 : 1);
  return { expression: expression.trim(), metric, op: match[2] as ThresholdOp, limit };
}

export function parseThresholds(expressions: readonly string[]): Threshold[] {
  return expressions.map(parseThreshold);
}

function holds(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<=':
      return actual <= limit;
    case '<':
      return actual < limit;
    case '>=':
      return actual >= limit;
    case '>':
      return actual > limit;
    case '==':
      return actual === limit;
  }
}

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000);

export function evaluateThreshold(threshold: Threshold, summary: RunSummary): ThresholdResult {
  const value = metricValue(threshold.metric, summary);
  const actual = value === undefined || value === null || !Number.isFinite(value) ? null : value;
  const base = {
    expression: threshold.expression,
    metric: threshold.metric,
    op: threshold.op,
    limit: threshold.limit,
    actual,
  };
  if (actual === null) {
    return {
      ...base,
      passed: false,
      message: `${threshold.metric}: no data, needs ${threshold.op} ${threshold.limit}`,
    };
  }
  if (holds(actual, threshold.op, threshold.limit)) {
    return {
      ...base,
      passed: true,
      message: `${threshold.metric} = ${round(actual)} (${threshold.op} ${threshold.limit}) ok`,
    };
  }
  const by = Math.abs(actual - threshold.limit);
  const percent = threshold.limit !== 0 ? `, ${Math.round((by / Math.abs(threshold.limit)) * 100)} %` : '';
  return {
    ...base,
    passed: false,
    message: `${threshold.metric} = ${round(actual)}, needs ${threshold.op} ${threshold.limit}: missed by ${round(by)}${percent}`,
  };
}

export function evaluateThresholds(thresholds: readonly Threshold[], summary: RunSummary): ThresholdResult[] {
  return thresholds.map((threshold) => evaluateThreshold(threshold, summary));
}
