/** The login phase's figures (report `summary.logins`), apart from the joins. Pure. */
import type { LoginSummary } from '../reportTypes.js';
import { distribution } from './percentile.js';

/** One client's login, as the login phase saw it (loadtest/src/server/loginPhase.ts). */
export interface LoginOutcome {
  clientId: string;
  ok: boolean;
  /** ms from the start of the login phase to this client's first attempt. */
  startedAt: number;
  /** ms from the first attempt to the session (waits after 429/503 included) or to the failure. */
  ms: number;
  /** HTTP requests sent (1 = no retry). */
  attempts: number;
  /** Latency of each HTTP answer, refusals included, ms. */
  requestMs: number[];
  /** Status of each refused answer that was waited out (429, 503). */
  refused: number[];
  /** Final status: '200', '401', '503', 'network', 'timeout' ... */
  status: string;
  reason?: string;
}

function countBy(values: readonly (string | number)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

export function summarizeLogins(outcomes: readonly LoginOutcome[], targetRate: number): LoginSummary {
  const ok = outcomes.filter((o) => o.ok);
  // Throughput: sessions made per second, from the phase's start to the last session.
  const lastSessionMs = Math.max(0, ...ok.map((o) => o.startedAt + o.ms));
  return {
    targetRate,
    attempted: outcomes.length,
    ok: ok.length,
    failed: outcomes.length - ok.length,
    ratePerSec: ok.length > 0 && lastSessionMs > 0 ? ok.length / (lastSessionMs / 1000) : null,
    loginMs: distribution(ok.map((o) => o.ms)),
    requestMs: distribution(outcomes.flatMap((o) => o.requestMs)),
    retried: outcomes.filter((o) => o.attempts > 1).length,
    refusedByStatus: countBy(outcomes.flatMap((o) => o.refused)),
    failuresByStatus: countBy(outcomes.filter((o) => !o.ok).map((o) => o.status)),
  };
}

const ms = (value: number | null) => (value === null ? '–' : value.toFixed(0));
const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([status, count]) => `${status} x${count}`)
    .join(', ') || 'none';

/** One line for the operator, e.g. `logins 300/300 at 48.7/s (target 50/s): ms p50 120 p95 380 | ...`. */
export function describeLogins(s: LoginSummary): string {
  return (
    `logins ${s.ok}/${s.attempted} at ${s.ratePerSec === null ? '–' : s.ratePerSec.toFixed(1)}/s (target ${s.targetRate}/s): ` +
    `ms p50 ${ms(s.loginMs.p50)} p95 ${ms(s.loginMs.p95)} max ${ms(s.loginMs.max)} | ` +
    `requests p50 ${ms(s.requestMs.p50)} p95 ${ms(s.requestMs.p95)} | retried ${s.retried} (refused: ${counts(s.refusedByStatus)}) | ` +
    `failed: ${counts(s.failuresByStatus)}`
  );
}
