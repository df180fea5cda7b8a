/**
 * What a load-test run produces (`report.json`; report.html is drawn from it). The capacity
 * checker reads `server` (worker CPU over time) and `summary.workerCpu`.
 */
import type { ClientKind, ClientRole, ClientSample, JoinResult } from './clientTypes.js';
import type { LoadTestOptions } from './options.js';

export const REPORT_VERSION = 1;

/** p50/p95/... of a set of numbers; all null when the set is empty. */
export interface Distribution {
  count: number;
  mean: number | null;
  min: number | null;
  p5: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

export interface ClientSummary {
  id: string;
  kind: ClientKind;
  role: ClientRole;
  meetingId: string;
  /** Index of the browser process (browser clients only). */
  browser: number | null;
  join: JoinResult;
  /** Mean of the client's received fps samples (its first sample after the join left out). */
  fpsMean: number | null;
  fpsMin: number | null;
  /** fpsMean / the senders' configured fps (1 = everything arrived); null when it received nothing. */
  fpsRatio: number | null;
  freezes: number;
  freezeMs: number;
  freezesPerMinute: number | null;
  /** ms of receiving covered by the rates above (steady samples). */
  observedMs: number | null;
  packetLossMean: number | null;
  jitterMsMean: number | null;
  rttMsMean: number | null;
  bitrateInMean: number | null;
  bitrateOutMean: number | null;
  videoStreamsMax: number;
  /** The transport mode of the client's last sample. */
  lastMode: string | null;
}

/** One tick of the whole run. */
export interface TimelinePoint {
  t: number;
  joined: number;
  failed: number;
  /** Mean over clients receiving video (null when none). */
  fpsMean: number | null;
  fpsP5: number | null;
  bitrateInTotal: number;
  bitrateOutTotal: number;
  packetLossMean: number | null;
  jitterMsP95: number | null;
  rttMsP95: number | null;
  freezes: number;
}

/** One scrape of the server's /metrics. */
export interface ServerSample {
  t: number;
  ok: boolean;
  error?: string;
  mediaNodes: number | null;
  /** Per mediasoup worker: `node/worker` → fraction of one core. */
  workerCpu: Record<string, number>;
  workerCpuMax: number | null;
  workerCpuTotal: number | null;
  consumers: number | null;
  producers: number | null;
  routers: number | null;
  /** Node event-loop lag of the signalling server, ms (p99 of prom-client's monitor when present). */
  eventLoopLagMs: number | null;
  /** Socket events refused with rate_limited since the server started (per-event limits); a load test expects 0. */
  rateLimited?: number | null;
  /** Signalling server process CPU, fraction of one core since the previous scrape. */
  serverCpu: number | null;
}

export interface ThresholdResult {
  expression: string;
  metric: string;
  op: string;
  limit: number;
  actual: number | null;
  passed: boolean;
  /** e.g. "joinMs.p95 = 8123 > 5000 (by 3123, 62 %)". */
  message: string;
}

export interface WorstClient {
  id: string;
  score: number;
  problems: string[];
}

/** The login phase before the joins (`--login-rate`): every client logs in once, retrying 429/503. */
export interface LoginSummary {
  /** --login-rate: logins started per second. */
  targetRate: number;
  attempted: number;
  ok: number;
  failed: number;
  /** Sessions made per second, from the phase's start to the last session. */
  ratePerSec: number | null;
  /** Per successful client: first attempt → session, waits after 429/503 included, ms. */
  loginMs: Distribution;
  /** Every HTTP answer's latency, refusals included, ms. */
  requestMs: Distribution;
  /** Clients that needed more than one attempt. */
  retried: number;
  /** Refused answers that were waited out and retried, by status (`429`, `503`). */
  refusedByStatus: Record<string, number>;
  /** Clients whose login failed, by final status (`401`, `503`, `network`, `timeout` ...). */
  failuresByStatus: Record<string, number>;
}

export interface RunSummary {
  clients: number;
  joined: number;
  failed: number;
  failures: { id: string; stage: string; reason: string }[];
  joinMs: Distribution;
  firstFrameMs: Distribution;
  /** Per-client mean received fps (receiving clients only). */
  fps: Distribution;
  /** Per-client fpsMean / configured sender fps (receiving clients only): `fpsRatio.min>=0.9` = healthy. */
  fpsRatio: Distribution;
  freezesPerMinute: Distribution;
  packetLoss: Distribution;
  jitterMs: Distribution;
  rttMs: Distribution;
  bitrateIn: Distribution;
  /** Over server samples: highest worker's CPU per scrape, and the sum over workers. */
  workerCpu: { max: number | null; mean: number | null; totalMax: number | null; totalMean: number | null };
  consumersMax: number | null;
  eventLoopLagMs: Distribution;
  /** The login phase (absent in reports from before it). */
  logins?: LoginSummary;
}

/**
 * CPU over the hold, in % of one core. The bots run inside the load-test process together with
 * the runner (sampling, report), so botCpuPct is an upper bound: the whole process / bots.
 */
export interface RunCost {
  holdSec: number;
  loadtestProcessCpuPct: number;
  bots: number;
  botCpuPct: number | null;
  browserProcesses: number;
  browserClients: number;
  /** All Chromium process trees together, and per browser client. */
  browsersCpuPct: number | null;
  browserCpuPct: number | null;
  /** The embedded Parley's process tree (server, media node, mediasoup workers); null for --target. */
  parleyCpuPct: number | null;
}

export interface LoadReport {
  version: typeof REPORT_VERSION;
  tool: 'parley-loadtest';
  startedAt: string;
  finishedAt: string;
  /** Wall time of the run (join phase + hold), ms. */
  durationMs: number;
  target: { url: string; embedded: boolean };
  options: LoadTestOptions;
  passed: boolean;
  thresholds: ThresholdResult[];
  summary: RunSummary;
  clients: ClientSummary[];
  worstClients: WorstClient[];
  /** Receiving clients with the lowest fpsRatio (up to 10), lowest first. */
  lowestFpsRatio: { id: string; kind: ClientKind; role: ClientRole; fpsRatio: number }[];
  /** What the clients cost (null when the hold was not reached). */
  cost: RunCost | null;
  timeline: TimelinePoint[];
  server: ServerSample[];
  samples: ClientSample[];
  /** Things the operator should know (e.g. a server scrape failed, bots unavailable). */
  notes: string[];
}
