/**
 * One load-test run: start (or use) a Parley, create the accounts and meetings, log every client
 * in at the login rate (loginPhase.ts), join every client at the join rate, sample clients and the server's /metrics while they are in, hold
 * for the duration, tear everything down and return the report (also written to
 * `outDir/report.json` and `outDir/report.html`). Never exits the process; a client that fails
 * is counted and explained in the report. Throws only when the run cannot start (bad options,
 * no Parley).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { destination, pino, type Logger } from 'pino';
import { z } from 'zod';
import { loadBotFactory, type BotFactory } from './botClients.js';
import { BrowserClient } from './browser/BrowserClient.js';
import { BrowserPool } from './browser/browserPool.js';
import { emptySample } from './browser/streamDeltas.js';
import type { ClientSample, JoinResult, LoadClient } from './clientTypes.js';
import { LoadTestOptionsSchema, type LoadTestInput, type LoadTestOptions } from './options.js';
import { CostMeter } from './cost/clientCost.js';
import { createProgress, type Progress } from './progress.js';
import { buildReport } from './reporting/buildReport.js';
import { writeReport } from './reporting/writeReport.js';
import type { LoadReport, ServerSample } from './reportTypes.js';
import { checkReachable, mapLimit } from './server/parleyApi.js';
import { loginClients } from './server/loginPhase.js';
import { prepareClients } from './server/prepareClients.js';
import { startEmbeddedParley, type EmbeddedParley } from './server/embeddedParley.js';
import { ServerMetricsSampler } from './server/serverMetrics.js';
import type { ClientRecord } from './stats/aggregate.js';
import { describeLogins, summarizeLogins, type LoginOutcome } from './stats/loginStats.js';
import { mean } from './stats/percentile.js';
import { parseThresholds } from './thresholds.js';

export type { LoadTestInput, LoadTestOptions } from './options.js';
export type { LoadReport } from './reportTypes.js';

export interface RunHooks {
  /** Aborting ends the run early (joins stop, the hold ends); the report is still written. */
  signal?: AbortSignal;
  /** Lines for the operator (the CLI prints them); default: nothing. */
  onLine?: (line: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolveSleep) => {
    if (signal?.aborted) return resolveSleep();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolveSleep();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  return Promise.race([promise, new Promise<T>((r) => setTimeout(() => r(fallback()), ms).unref())]);
}

interface LiveClient {
  record: ClientRecord;
  client: LoadClient | null;
}

const PASSWORD = 'loadtest-password-1';

function costCounts(records: readonly ClientRecord[]) {
  const joined = records.filter((r) => r.join?.ok);
  return {
    bots: joined.filter((r) => r.spec.kind === 'bot').length,
    browserSenders: joined.filter((r) => r.spec.kind === 'browser' && r.spec.role === 'sender').length,
    browserReceivers: joined.filter((r) => r.spec.kind === 'browser' && r.spec.role === 'receiver').length,
  };
}

export async function runLoadTest(input: LoadTestInput, hooks: RunHooks = {}): Promise<LoadReport> {
  const parsed = LoadTestOptionsSchema.safeParse(input);
  if (!parsed.success) throw new Error(`invalid options:\n${z.prettifyError(parsed.error)}`);
  const options: LoadTestOptions = parsed.data;
  const thresholds = parseThresholds(options.thresholds);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const log: Logger = pino(
    { level: 'info', base: null },
    destination({ dest: join(outDir, 'loadtest.log'), sync: true }),
  );
  const progress: Progress = createProgress(options.progress);
  const say = (line: string) => {
    log.info(line);
    progress.pause();
    hooks.onLine?.(line);
  };
  const notes: string[] = [];
  const startedAt = new Date();

  let embedded: EmbeddedParley | null = null;
  let baseUrl = options.target ?? '';
  if (!options.target) {
    say(`starting an embedded Parley (ports from ${options.portBase}; log: ${join(outDir, 'parley.log')}) ...`);
    embedded = await startEmbeddedParley({
      portBase: options.portBase,
      meshMax: options.meshMax,
      mediaWorkers: options.mediaWorkers,
      consumerBudget: options.consumerBudget,
      build: process.env.PARLEY_SKIP_BUILD !== '1',
      logFile: join(outDir, 'parley.log'),
    });
    baseUrl = embedded.url;
    say(`embedded Parley ready at ${baseUrl}`);
  } else {
    await checkReachable(baseUrl);
    if (options.meshMax !== undefined || options.mediaWorkers !== undefined) {
      notes.push('--mesh-max and --media-workers apply to an embedded Parley only; ignored for --target');
    }
  }

  const pool = new BrowserPool(
    options.browsers,
    options.browser === 'firefox' ? options.firefoxPath : options.chromiumPath,
    options.browser,
  );
  let bots: BotFactory | null = null;
  const live: LiveClient[] = [];
  const samples: ClientSample[] = [];
  const server: ServerSample[] = [];
  // t = 0 is the start of the join phase (reset there); set-up failures count at 0.
  let runStart = Date.now();
  const wallStart = runStart;
  const now = () => Math.max(0, Date.now() - runStart);
  let samplingDone = false;
  let sampler: Promise<void> = Promise.resolve();
  let logins: LoginOutcome[] | undefined;
  const cost = new CostMeter(() => pool.processIds(), embedded?.pid ?? null);

  try {
    // Accounts and meetings.
    say(
      `creating ${options.meetings * (options.senders + options.receivers + options.botSenders + options.botReceivers)} accounts and ${options.meetings} meeting(s) ...`,
    );
    const records: LiveClient[] = (await prepareClients(baseUrl, options, PASSWORD)).map((record) => ({
      record,
      client: null,
    }));
    live.push(...records);
    const fail = (entry: LiveClient, stage: string, reason: string) => {
      entry.record.join = { ok: false, stage, reason };
      entry.record.joinedAt = now();
    };

    if (options.botSenders + options.botReceivers > 0) {
      try {
        say('preparing the RTP bots (VP8 clip) ...');
        bots = await loadBotFactory({
          video: options.video,
          chromiumPath: options.chromiumPath,
          portRange: options.botPorts ?? null,
          meshWaitMs: options.joinTimeoutMs,
          firstFrameWaitMs: options.firstFrameTimeoutMs,
          srtp: options.botSrtp,
          simulcast: options.botSimulcast,
          tileMix: options.botTiles,
        });
      } catch (error) {
        const reason = `RTP bots unavailable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        notes.push(reason);
        for (const entry of records)
          if (entry.record.spec.kind === 'bot' && !entry.record.join) fail(entry, 'bots', reason);
      }
    }

    // Logins, before the joins and apart from them (people in a meeting are signed in already).
    const toLogIn = records.filter((r) => !r.record.join).length;
    say(`logging ${toLogIn} clients in at ${options.loginRate}/s ...`);
    const loginPhase = await loginClients(
      records.map((r) => r.record),
      {
        baseUrl,
        rate: options.loginRate,
        requestTimeoutMs: 30_000,
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    );
    logins = loginPhase.outcomes;
    say(describeLogins(summarizeLogins(logins, options.loginRate)));

    // Sampling runs from the first join to the end of the hold.
    const metrics = new ServerMetricsSampler(baseUrl);
    let latestFps: number | null = null;
    const status = (phase: string, remainingSec: number | null = null) =>
      progress.update({
        phase,
        total: records.length,
        joined: records.filter((r) => r.record.join?.ok).length,
        failed: records.filter((r) => r.record.join && !r.record.join.ok).length,
        fps: latestFps,
        remainingSec,
      });
    let phase = 'joining';
    let holdEndsAt: number | null = null;
    const tick = async () => {
      const t = now();
      const joined = records.filter((r) => r.client && r.record.join?.ok);
      const [tickSamples, serverSample] = await Promise.all([
        Promise.all(
          joined.map((r) =>
            withTimeout(r.client!.sample(t), Math.max(5000, options.sampleIntervalMs * 2), () =>
              emptySample(r.record.spec.id, t),
            ).catch(() => emptySample(r.record.spec.id, t)),
          ),
        ),
        metrics.scrape(t),
      ]);
      samples.push(...tickSamples);
      server.push(serverSample);
      latestFps = mean(tickSamples.filter((s) => s.videoStreams > 0).map((s) => s.fps));
      status(phase, holdEndsAt === null ? null : (holdEndsAt - Date.now()) / 1000);
    };
    runStart = Date.now();
    sampler = (async () => {
      while (!samplingDone) {
        const next = Date.now() + options.sampleIntervalMs;
        await tick();
        await sleep(Math.max(0, next - Date.now()), hooks.signal);
        if (hooks.signal?.aborted) break;
      }
    })();

    // Joins, started at the join rate; each resolves on its own.
    const gapMs = 1000 / options.joinRate;
    let browserCount = 0;
    const joins: Promise<void>[] = [];
    for (const entry of records) {
      if (hooks.signal?.aborted) break;
      if (entry.record.join) continue; // failed before the join
      const spec = entry.record.spec;
      if (spec.kind === 'browser') {
        const browserIndex = pool.indexFor(browserCount++);
        entry.record.browser = browserIndex;
        entry.client = new BrowserClient(spec, {
          pool,
          browserIndex,
          joinTimeoutMs: options.joinTimeoutMs,
          firstFrameTimeoutMs: options.firstFrameTimeoutMs,
        });
      } else {
        try {
          entry.client = bots!.create(spec);
        } catch (error) {
          fail(entry, 'bots', error instanceof Error ? error.message : String(error));
          continue;
        }
      }
      const client = entry.client;
      joins.push(
        withTimeout<JoinResult>(
          client.join().catch((error: unknown) => ({ ok: false, stage: 'join', reason: String(error) })),
          options.joinTimeoutMs + options.firstFrameTimeoutMs + 30_000,
          () => ({ ok: false, stage: 'timeout', reason: 'join() did not resolve' }),
        ).then((result) => {
          entry.record.join = result;
          entry.record.joinedAt = now();
          if (!result.ok) say(`client ${spec.id} failed at ${result.stage}: ${result.reason}`);
          status(phase);
        }),
      );
      await sleep(gapMs, hooks.signal);
    }
    await Promise.all(joins);
    for (const entry of records)
      if (!entry.record.join) fail(entry, 'aborted', 'the run was interrupted before this client joined');

    // Hold.
    phase = 'holding';
    holdEndsAt = Date.now() + options.durationSec * 1000;
    status(phase, options.durationSec);
    cost.begin();
    await sleep(options.durationSec * 1000, hooks.signal);
    cost.finish();
    samplingDone = true;
    await sampler;
    if (!hooks.signal?.aborted) await tick(); // the last interval of the hold
    if (hooks.signal?.aborted) notes.push('the run was interrupted (SIGINT): figures cover the part that ran');
  } finally {
    samplingDone = true;
    await sampler.catch(() => undefined);
    progress.stop();
    say('closing clients ...');
    await mapLimit(live, 8, (entry) =>
      withTimeout(entry.client?.close() ?? Promise.resolve(), 15_000, () => undefined).catch(() => undefined),
    );
    await pool.close();
    await bots?.close().catch(() => undefined);
    await embedded?.stop();
  }

  const report = buildReport({
    options,
    thresholds,
    records: live.map((entry) => entry.record),
    samples,
    server,
    notes,
    target: { url: baseUrl, embedded: embedded !== null },
    startedAt,
    durationMs: Date.now() - wallStart,
    cost: cost.result(costCounts(live.map((entry) => entry.record))),
    ...(logins ? { logins } : {}),
  });
  writeReport(report, outDir);
  say(`report written to ${join(outDir, 'report.json')} and report.html`);
  log.flush();
  return report;
}
