/**
 * `npm run loadtest -- [options]`: the load-test command line. Exit code 0 when every
 * threshold holds, 1 when one is missed, 2 when the run could not start (bad options, no
 * Parley, no Chromium). `--help` lists options and examples.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolve } from 'node:path';
import { parseTileMix, type TileMix } from './bots/tilePlan.js';
import { parseVideoSize, type LoadTestInput } from './options.js';
import { readReportSummary } from './reporting/reportSchema.js';
import type { LoadReport, ThresholdResult } from './reportTypes.js';
import { runFindMax, stepsTable } from './findMax/runFindMax.js';
import { HEALTHY_THRESHOLDS } from './findMax/search.js';
import { runLoadTest } from './runLoadTest.js';
import { describeLogins } from './stats/loginStats.js';
import { describeWorkerCpu, workerCpuByWorker } from './stats/workerCpuByWorker.js';
import { evaluateThresholds, parseThreshold, thresholdMetrics } from './thresholds.js';

export const EXIT_PASSED = 0;
export const EXIT_THRESHOLDS = 1;
export const EXIT_ERROR = 2;

const EXAMPLES = `
Examples:
  # 2 meetings of 3 browser senders each against an embedded Parley, 30 s
  npm run loadtest -- --meetings 2 --senders 3 --duration 30

  # 1 meeting: 2 browser senders, 6 receive-only browsers, 20 RTP bot senders, 640x360@24
  npm run loadtest -- -s 2 -r 6 --bot-senders 20 --video 640x360@24 --browsers 2

  # A staging server, gated for CI
  npm run loadtest -- --target https://parley.example.com -m 5 -s 4 \\
    -t 'joinMs.p95<=5000' -t 'fps.p5>=12' -t 'failed<=0' -t 'packetLoss.mean<=2%'

  # Largest healthy meeting: 2 bot senders, 20 more bot receivers per step, up to 10 steps
  npm run loadtest -- --find-max --senders 0 --bot-senders 2 --step-bot-receivers 20 -d 20
  npm run loadtest -- --find-max --senders 2 --step-receivers 2 --max-steps 6

  # Re-check an earlier run's report against other thresholds (no run)
  npm run loadtest -- --check-report loadtest-report/report.json -t 'firstFrameMs.p95<=3000'

Thresholds are "metric op value" (op: <= < >= > ==; a trailing % divides by 100).
Metrics: clients, joined, failed, failedRatio, workerCpu.max|mean|totalMax|totalMean,
consumersMax, and <joinMs|firstFrameMs|fps|fpsRatio|freezesPerMinute|packetLoss|jitterMs|rttMs|
bitrateIn|eventLoopLagMs>.<mean|min|p5|p50|p95|max|count>. Default: failed<=0.
--find-max: one meeting, grown by --step-receivers/--step-bot-receivers per step (a full run
each, <out>/step-N/), healthy = ${HEALTHY_THRESHOLDS.join(' ')} unless -t; stops at the first
unhealthy step or --max-steps; writes <out>/find-max.json; exit 0 when a step was healthy.
Exit code: 0 all thresholds hold, 1 a threshold missed, 2 the run could not start.
Output: <out>/report.json, <out>/report.html (charts), <out>/loadtest.log, <out>/parley.log.
`;

function int(min: number) {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return parsed;
  };
}
function positive(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a number > 0');
  return parsed;
}
function nonNegative(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('expected a number >= 0');
  return parsed;
}
function portRange(value: string): { min: number; max: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1 || max > 65_535 || min > max)
    throw new InvalidArgumentError('expected MIN-MAX, e.g. 51000-51999');
  return { min, max };
}
function tileMix(value: string): TileMix {
  try {
    return parseTileMix(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
function collect(value: string, previous: string[] | undefined): string[] {
  try {
    parseThreshold(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return [...(previous ?? []), value];
}

export function buildProgram(): Command {
  return new Command('loadtest')
    .description(
      'Load-test Parley meetings with headless Chromium clients and RTP bots; writes report.json and report.html.',
    )
    .option('--target <url>', 'Parley to test (default: start an embedded Parley for the run)')
    .option('-m, --meetings <n>', 'meetings', int(1), 1)
    .option('-s, --senders <n>', 'browser clients per meeting that send camera + microphone', int(0), 2)
    .option('-r, --receivers <n>', 'receive-only browser clients per meeting', int(0), 0)
    .option('--bot-senders <n>', 'RTP bot senders per meeting (no browser; the meeting must be in SFU mode)', int(0), 0)
    .option('--bot-receivers <n>', 'RTP bot receivers per meeting', int(0), 0)
    .option('--video <WxH[@fps]>', 'camera size (and rate) of senders', '320x180')
    .option('--fps <n>', 'camera frame rate (overrides @fps of --video)', int(1))
    .option('--join-rate <n>', 'clients started per second', positive, 2)
    .option('--login-rate <n>', 'logins per second in the login phase before the joins', positive, 20)
    .option('-d, --duration <s>', 'seconds to hold all clients after the last join', nonNegative, 30)
    .option('-b, --browsers <n>', 'Chromium processes to spread the pages over', int(1), 1)
    .option('--sample-interval <ms>', 'getStats() and /metrics sampling interval', int(250), 2000)
    .option('-o, --out <dir>', 'report folder', 'loadtest-report')
    .option('-t, --threshold <expr>', 'pass/fail rule, repeatable (replaces the default failed<=0)', collect)
    .option('--join-timeout <ms>', 'a client not joined after this long fails', int(1000), 45_000)
    .option('--first-frame-timeout <ms>', 'after joining, wait this long for the first remote frame', int(0), 15_000)
    .option('--mesh-max <n>', 'embedded Parley: MESH_MAX_PARTICIPANTS (server default 4)', int(1))
    .option('--media-workers <n>', 'embedded Parley: mediasoup workers (default: one per core)', int(1))
    .option('--port-base <port>', 'embedded Parley: first port tried (HTTP, media RPC, RTC)', int(1024), 50_000)
    .option('--bot-ports <min-max>', 'UDP port range of the RTP bots (default: any free port)', portRange)
    .option('--bot-srtp', 'RTP bots receive over SRTP, as WebRTC clients do (default)')
    .option('--no-bot-srtp', 'RTP bots receive plain RTP (cheaper for the media worker than a browser)')
    .option('--bot-simulcast', 'RTP bot senders send 3-layer simulcast as browsers do; receivers report tiles')
    .option('--bot-audio-senders <n>', 'open mics per meeting among the bots (bot senders, then receivers)', int(0))
    .option('--bot-tiles <medium,large>', 'shares of bot receivers with 360 px tiles / one 540 px tile', tileMix)
    .option('--consumer-budget <n>', 'embedded Parley: SFU_CONSUMER_BUDGET (server default 400)', int(1))
    .option('--chromium <path>', 'Chromium executable', '/usr/bin/chromium')
    .addOption(
      new Option('--browser <name>', 'browser of the browser clients')
        .choices(['chromium', 'firefox'])
        .default('chromium'),
    )
    .option('--firefox <path>', 'Firefox executable (--browser firefox)', '/usr/bin/firefox-esr')
    .addOption(
      new Option('--progress <mode>', 'live progress display')
        .choices(['auto', 'bar', 'lines', 'none'])
        .default('auto'),
    )
    .option('--find-max', 'grow one meeting step by step; report the largest healthy size (see below)')
    .option('--step-receivers <n>', '--find-max: browser receivers added per step', int(0), 0)
    .option('--step-bot-receivers <n>', '--find-max: bot receivers added per step', int(0), 0)
    .option('--max-steps <n>', '--find-max: at most this many steps', int(1), 10)
    .option('--check-report <report.json>', 'only evaluate the thresholds against an existing report (no run)')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(see --help)');
}

interface CliOptions {
  target?: string;
  meetings: number;
  senders: number;
  receivers: number;
  botSenders: number;
  botReceivers: number;
  video: string;
  fps?: number;
  joinRate: number;
  loginRate: number;
  duration: number;
  browsers: number;
  sampleInterval: number;
  out: string;
  threshold?: string[];
  joinTimeout: number;
  firstFrameTimeout: number;
  meshMax?: number;
  mediaWorkers?: number;
  portBase: number;
  botPorts?: { min: number; max: number };
  botSrtp?: boolean;
  botSimulcast?: boolean;
  botAudioSenders?: number;
  botTiles?: TileMix;
  consumerBudget?: number;
  chromium: string;
  browser: 'chromium' | 'firefox';
  firefox: string;
  progress: 'auto' | 'bar' | 'lines' | 'none';
  checkReport?: string;
  findMax?: boolean;
  stepReceivers: number;
  stepBotReceivers: number;
  maxSteps: number;
}

export function toRunOptions(cli: CliOptions): LoadTestInput {
  return {
    ...(cli.target ? { target: cli.target } : {}),
    meetings: cli.meetings,
    senders: cli.senders,
    receivers: cli.receivers,
    botSenders: cli.botSenders,
    botReceivers: cli.botReceivers,
    video: parseVideoSize(cli.video, cli.fps),
    joinRate: cli.joinRate,
    loginRate: cli.loginRate,
    durationSec: cli.duration,
    browsers: cli.browsers,
    sampleIntervalMs: cli.sampleInterval,
    outDir: cli.out,
    thresholds: cli.threshold ?? ['failed<=0'],
    joinTimeoutMs: cli.joinTimeout,
    firstFrameTimeoutMs: cli.firstFrameTimeout,
    ...(cli.meshMax !== undefined ? { meshMax: cli.meshMax } : {}),
    ...(cli.mediaWorkers !== undefined ? { mediaWorkers: cli.mediaWorkers } : {}),
    portBase: cli.portBase,
    ...(cli.botPorts ? { botPorts: cli.botPorts } : {}),
    ...(cli.botSrtp === false ? { botSrtp: false } : {}),
    ...(cli.botSimulcast ? { botSimulcast: true } : {}),
    ...(cli.botAudioSenders !== undefined ? { botAudioSenders: cli.botAudioSenders } : {}),
    ...(cli.botTiles ? { botTiles: cli.botTiles } : {}),
    ...(cli.consumerBudget !== undefined ? { consumerBudget: cli.consumerBudget } : {}),
    chromiumPath: cli.chromium,
    browser: cli.browser,
    firefoxPath: cli.firefox,
    progress: cli.progress,
  };
}

function printThresholds(results: readonly ThresholdResult[]): void {
  for (const result of results)
    console.log(`  ${result.passed ? 'ok  ' : 'FAIL'} ${result.expression.padEnd(28)} ${result.message}`);
}

const fmt = (v: number | null, digits = 0) => (v === null ? '–' : v.toFixed(digits));

function printReport(report: LoadReport, outDir: string): void {
  const s = report.summary;
  console.log('');
  console.log(`clients ${s.clients}: joined ${s.joined}, failed ${s.failed}`);
  if (s.logins) console.log(describeLogins(s.logins));
  console.log(
    `join ms p50 ${fmt(s.joinMs.p50)} p95 ${fmt(s.joinMs.p95)} | first frame ms p50 ${fmt(s.firstFrameMs.p50)} p95 ${fmt(s.firstFrameMs.p95)}`,
  );
  console.log(
    `received fps mean ${fmt(s.fps.mean, 1)} p5 ${fmt(s.fps.p5, 1)} | freezes/min p95 ${fmt(s.freezesPerMinute.p95, 2)} | loss mean ${fmt(s.packetLoss.mean === null ? null : s.packetLoss.mean * 100, 2)} %`,
  );
  console.log(
    `jitter ms p95 ${fmt(s.jitterMs.p95, 1)} | RTT ms p95 ${fmt(s.rttMs.p95, 1)} | worker CPU max ${fmt(s.workerCpu.max === null ? null : s.workerCpu.max * 100)} % | event-loop lag p95 ${fmt(s.eventLoopLagMs.p95, 1)} ms`,
  );
  console.log(
    `fps ratio (received / sent ${report.options.video.fps} fps) min ${fmt(s.fpsRatio.min, 2)} p5 ${fmt(s.fpsRatio.p5, 2)} mean ${fmt(s.fpsRatio.mean, 2)}`,
  );
  console.log(describeWorkerCpu(workerCpuByWorker(report)));
  const c = report.cost;
  if (c) {
    console.log(
      `cost over the ${c.holdSec} s hold (% of a core): per bot ${fmt(c.botCpuPct, 2)} (load-test process ${fmt(c.loadtestProcessCpuPct, 1)}, runner included) | per browser client ${fmt(c.browserCpuPct, 1)} (Chromium ${fmt(c.browsersCpuPct, 1)}) | embedded Parley ${fmt(c.parleyCpuPct, 1)}`,
    );
  }
  for (const failure of s.failures.slice(0, 10))
    console.log(`  failed ${failure.id} at ${failure.stage}: ${failure.reason}`);
  if (s.failures.length > 10) console.log(`  ... and ${s.failures.length - 10} more (report.html)`);
  if (report.worstClients.length) {
    console.log('worst clients:');
    for (const worst of report.worstClients.slice(0, 5)) console.log(`  ${worst.id}: ${worst.problems.join('; ')}`);
  }
  for (const note of report.notes) console.log(`note: ${note}`);
  console.log(`thresholds: ${report.passed ? 'PASSED' : 'FAILED'}`);
  printThresholds(report.thresholds);
  console.log(`report: ${resolve(outDir, 'report.html')}`);
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    program.parse(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.version' ? EXIT_PASSED : EXIT_ERROR;
  }
  const cli = program.opts<CliOptions>();

  if (cli.checkReport) {
    try {
      const summary = readReportSummary(cli.checkReport);
      const results = evaluateThresholds((cli.threshold ?? ['failed<=0']).map(parseThreshold), summary);
      const passed = results.every((r) => r.passed);
      console.log(`thresholds on ${cli.checkReport}: ${passed ? 'PASSED' : 'FAILED'}`);
      printThresholds(results);
      return passed ? EXIT_PASSED : EXIT_THRESHOLDS;
    } catch (error) {
      console.error(`loadtest: ${(error as Error).message}`);
      return EXIT_ERROR;
    }
  }

  let input: LoadTestInput;
  try {
    input = toRunOptions(cli);
  } catch (error) {
    console.error(`loadtest: ${(error as Error).message}`);
    return EXIT_ERROR;
  }
  const abort = new AbortController();
  let interruptedAt = 0;
  const onSigint = () => {
    // One Ctrl-C can arrive more than once (npm, tsx and the terminal all pass it on): only a
    // second one a moment later means "quit now".
    if (abort.signal.aborted) {
      if (Date.now() - interruptedAt > 1500) process.exit(130);
      return;
    }
    interruptedAt = Date.now();
    console.error('\ninterrupted: finishing the report (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  if (cli.findMax) {
    if (cli.stepReceivers + cli.stepBotReceivers <= 0 || cli.meetings !== 1) {
      console.error(
        'loadtest: --find-max grows one meeting (no --meetings) and needs --step-receivers or --step-bot-receivers > 0',
      );
      process.removeListener('SIGINT', onSigint);
      return EXIT_ERROR;
    }
    try {
      const result = await runFindMax(
        input,
        { stepReceivers: cli.stepReceivers, stepBotReceivers: cli.stepBotReceivers, maxSteps: cli.maxSteps },
        cli.threshold,
        { signal: abort.signal, onLine: (line) => console.log(line) },
      );
      console.log('');
      console.log(stepsTable(result.steps));
      console.log(result.verdict);
      console.log(`find-max: ${resolve(input.outDir ?? 'loadtest-report', 'find-max.json')}`);
      return result.largestHealthy ? EXIT_PASSED : EXIT_THRESHOLDS;
    } catch (error) {
      console.error(`loadtest: find-max could not run: ${(error as Error).message}`);
      return EXIT_ERROR;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  }
  try {
    const report = await runLoadTest(input, { signal: abort.signal, onLine: (line) => console.log(line) });
    printReport(report, input.outDir ?? 'loadtest-report');
    return report.passed ? EXIT_PASSED : EXIT_THRESHOLDS;
  } catch (error) {
    console.error(`loadtest: the run could not start: ${(error as Error).message}`);
    return EXIT_ERROR;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export { thresholdMetrics };

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (invokedDirectly) {
  void main().then((code) => process.exit(code));
}
