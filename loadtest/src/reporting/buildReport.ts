/** Assembles the LoadReport of a finished run from what the runner collected. Pure. */
import type { ClientSample } from '../clientTypes.js';
import type { LoadTestOptions } from '../options.js';
import { REPORT_VERSION, type LoadReport, type RunCost, type ServerSample } from '../reportTypes.js';
import {
  buildTimeline,
  lowestFpsRatio,
  summarizeClient,
  summarizeRun,
  worstClients,
  type ClientRecord,
} from '../stats/aggregate.js';
import { summarizeLogins, type LoginOutcome } from '../stats/loginStats.js';
import { evaluateThresholds, type Threshold } from '../thresholds.js';

export interface RunData {
  options: LoadTestOptions;
  thresholds: Threshold[];
  records: ClientRecord[];
  samples: ClientSample[];
  server: ServerSample[];
  notes: string[];
  target: { url: string; embedded: boolean };
  startedAt: Date;
  durationMs: number;
  /** The login phase's outcomes (omitted: no login phase). */
  logins?: LoginOutcome[];
  /** CPU cost over the hold (null or omitted: not measured). */
  cost?: RunCost | null;
}

export function buildReport(run: RunData): LoadReport {
  const clients = run.records.map((record) => summarizeClient(record, run.samples, run.options.video.fps));
  const summary = summarizeRun(clients, run.server);
  if (run.logins) summary.logins = summarizeLogins(run.logins, run.options.loginRate);
  const thresholds = evaluateThresholds(run.thresholds, summary);
  const notes = [...run.notes];
  if (run.server.length > 0 && run.server.every((s) => !s.ok))
    notes.push(`no /metrics scrape succeeded: ${run.server[0]!.error ?? ''}`);
  const rateLimited = Math.max(0, ...run.server.map((s) => s.rateLimited ?? 0));
  if (rateLimited > 0)
    notes.push(`${rateLimited} socket events were refused with rate_limited (per-event limits, docs/security.md)`);
  return {
    version: REPORT_VERSION,
    tool: 'parley-loadtest',
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date(run.startedAt.getTime() + run.durationMs).toISOString(),
    durationMs: run.durationMs,
    target: run.target,
    options: run.options,
    passed: thresholds.every((r) => r.passed),
    thresholds,
    summary,
    clients,
    worstClients: worstClients(clients, run.options.video.fps),
    lowestFpsRatio: lowestFpsRatio(clients),
    cost: run.cost ?? null,
    timeline: buildTimeline(run.records, run.samples),
    server: run.server,
    samples: run.samples,
    notes,
  };
}
