/**
 * `npm run capacity -- <calibrate|plan|check>`: the operator's capacity planner.
 * See docs/capacity.md.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { BUILD_VARIANTS } from '../../../media-workers/build/lib/build-variants.mjs';
import { parseTileMix, type TileMix } from '../bots/tilePlan.js';
import { runCalibrationBench } from './benchAdapter.js';
import {
  DEFAULT_CALIBRATION_FILE,
  CALIBRATION_VERSION,
  readCalibration,
  writeCalibration,
  type Calibration,
} from './calibration.js';
import { PLAIN_RTP_SPEEDUP, runCheck } from './check.js';
import type { CheckClients } from './loadAdapter.js';
import { machineInfo } from './machineInfo.js';
import { consumerBudgetFor, planCapacity } from './plan.js';
import type { PlanInput, WorkerCostInput } from './planInput.js';
import { formatCheck, formatPlan } from './planTable.js';

const PORT_BASE = 52_000;

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number`);
  return n;
}

function tiles(value: string): TileMix {
  try {
    return parseTileMix(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function addPlanOptions(cmd: Command): Command {
  return cmd
    .requiredOption('-m, --meetings <n>', 'meetings at the same time', number)
    .requiredOption('-p, --participants <n>', 'participants per meeting', number)
    .requiredOption('-s, --senders <n>', 'participants per meeting sending a camera', number)
    .option('--audio-senders <n>', 'participants per meeting with an open mic (default: all)', number)
    .option(
      '-r, --resolution <height>',
      'camera height: 180, 360, 540, 720, 1080 (simulcast: 360, 720, 1080)',
      number,
      720,
    )
    .option('--fps <n>', 'camera frame rate', number, 15)
    .option('--no-simulcast', 'cameras send one stream (default: three simulcast layers)')
    .addOption(new Option('--layout <layout>', 'what receivers look at').choices(['grid', 'speaker']).default('grid'))
    .option('--page-size <n>', 'grid tiles per page, own preview included', number, 9)
    .option('--stage-height <px>', "receivers' video stage height (decides the layer)", number, 900)
    .option('--headroom <fraction>', 'share of each core kept free', number, 0.3)
    .option('--cores-per-node <n>', 'workers (cores) per media node', number, 8)
    .option(
      '--consumer-budget <n>',
      'SFU_CONSUMER_BUDGET of the servers (default: from the calibration, consumers per worker at the target CPU)',
      number,
    )
    .option('-f, --file <path>', 'calibration file', DEFAULT_CALIBRATION_FILE)
    .option('--pps-per-cpu <n>', 'override: packets out per worker CPU-second', number)
    .option('--consumers-per-core <n>', 'override: active consumers per core at ~80 % CPU', number)
    .option('--cpu-per-packet-in <seconds>', 'override: CPU seconds per packet in', number)
    .option('--json', 'print JSON instead of tables');
}

interface PlanFlags {
  meetings: number;
  participants: number;
  senders: number;
  audioSenders?: number;
  resolution: number;
  fps: number;
  simulcast: boolean;
  layout: 'grid' | 'speaker';
  pageSize: number;
  stageHeight: number;
  headroom: number;
  coresPerNode: number;
  consumerBudget?: number;
  file: string;
  ppsPerCpu?: number;
  consumersPerCore?: number;
  cpuPerPacketIn?: number;
  json?: boolean;
}

function planInput(f: PlanFlags, cost: WorkerCostInput): PlanInput {
  return {
    meetings: f.meetings,
    participants: f.participants,
    senders: f.senders,
    ...(f.audioSenders !== undefined ? { audioSenders: f.audioSenders } : {}),
    resolution: f.resolution,
    fps: f.fps,
    simulcast: f.simulcast,
    layout: f.layout,
    pageSize: f.pageSize,
    stageHeight: f.stageHeight,
    headroom: f.headroom,
    coresPerNode: f.coresPerNode,
    consumerBudget: f.consumerBudget ?? consumerBudgetFor(cost, f.headroom),
  };
}

/** The calibration's cost, with any override flags applied; the file is optional when both main figures are given. */
async function workerCost(f: PlanFlags): Promise<{ cost: WorkerCostInput; note: string }> {
  let calibration: Calibration | null = null;
  if (f.ppsPerCpu === undefined || f.consumersPerCore === undefined) calibration = await readCalibration(f.file);
  const base = calibration?.cost;
  const cost: WorkerCostInput = {
    ppsOutPerCpuSecond: f.ppsPerCpu ?? base?.ppsOutPerCpuSecond ?? 0,
    consumersPerCore: f.consumersPerCore ?? base?.consumersPerCore ?? 0,
    cpuSecondsPerPacketIn: f.cpuPerPacketIn ?? base?.cpuSecondsPerPacketIn ?? 0,
  };
  const figures = `${Math.round(cost.ppsOutPerCpuSecond).toLocaleString('en-US')} packets out per CPU-second, ${Math.round(cost.consumersPerCore)} consumers per core`;
  const budget =
    f.consumerBudget !== undefined
      ? `; consumer budget ${f.consumerBudget} (given)`
      : cost.consumersPerCore > 0
        ? `; consumer budget ${consumerBudgetFor(cost, f.headroom)} (from the calibration: set SFU_CONSUMER_BUDGET to it on the servers)`
        : '';
  const note = calibration
    ? `${f.file} (${calibration.machine.cpuModel}, ${calibration.machine.cores} cores, worker ${calibration.machine.worker.variant}, ${calibration.createdAt}${calibration.bench.quick ? ', quick run: less precise' : ''}): ${figures}${budget}`
    : `given on the command line: ${figures}${budget}`;
  return { cost, note };
}

const program = new Command('capacity')
  .description(
    "Parley's capacity planner: calibrate the SFU on this hardware, plan workers/cores/nodes/bandwidth, check a plan with a load test.",
  )
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Examples:
  npm run capacity -- calibrate --quick
  npm run capacity -- plan --meetings 20 --participants 12 --senders 12 --resolution 720
  npm run capacity -- plan -m 2 -p 200 -s 10 --audio-senders 10 --cores-per-node 16 --json
  npm run capacity -- check -m 2 -p 20 -s 6 -r 360 --no-simulcast --duration 40 --media-workers 1

Docs: docs/capacity.md`,
  );

program
  .command('calibrate')
  .description('run the SFU benchmark on this machine and store its cost figures')
  .option('--quick', 'short benchmark run (2 steps of 2 s: less precise)')
  .addOption(
    new Option('--variant <build>', 'worker build variant to measure (default: the installed one)').choices(
      Object.keys(BUILD_VARIANTS),
    ),
  )
  .addOption(new Option('--mix <mix>', "benchmark's packet mix").choices(['meeting', 'audio']).default('meeting'))
  .option('-f, --file <path>', 'where to store the calibration', DEFAULT_CALIBRATION_FILE)
  .option('--port-base <port>', 'first of the 900 ports the benchmark may use', number, PORT_BASE)
  .option('--json', 'print the calibration as JSON')
  .action(
    async (f: {
      quick?: boolean;
      variant?: string;
      mix: 'meeting' | 'audio';
      file: string;
      portBase: number;
      json?: boolean;
    }) => {
      const machine = machineInfo();
      const installed = Object.keys(BUILD_VARIANTS).find((v) => machine.worker.variant.endsWith(`-${v}`));
      const variant = f.variant ?? installed ?? 'default';
      console.error(
        `calibrating: bench:sfu, mix ${f.mix}, worker ${variant}${f.quick ? ', quick' : ''} (ports ${f.portBase}-${f.portBase + 899}) ...`,
      );
      const bench = await runCalibrationBench({
        quick: f.quick === true,
        portBase: f.portBase,
        mix: f.mix,
        variants: [variant],
        log: (line) => console.error(`  ${line}`),
      });
      const calibration: Calibration = {
        version: CALIBRATION_VERSION,
        createdAt: new Date().toISOString(),
        machine,
        cost: {
          ppsOutPerCpuSecond: bench.ppsOutPerCpuSecond,
          cpuSecondsPerPacketIn: bench.cpuSecondsPerPacketIn,
          consumersPerCore: bench.consumersPerCore,
        },
        bench: {
          quick: f.quick === true,
          variant: bench.variant,
          srtp: bench.srtp,
          packetMix: bench.packetMix,
          durationSec: bench.durationSec,
          figures: bench.figures,
        },
      };
      await writeCalibration(calibration, f.file);
      if (f.json) console.log(JSON.stringify(calibration, null, 2));
      else {
        console.log(`calibration stored in ${f.file}`);
        console.log(
          `  ${machine.cpuModel}, ${machine.cores} cores, worker ${bench.variant} (${machine.worker.variant})`,
        );
        console.log(
          `  ${Math.round(bench.ppsOutPerCpuSecond).toLocaleString('en-US')} packets out per worker CPU-second (SRTP, mix ${bench.packetMix})`,
        );
        console.log(`  ${Math.round(bench.consumersPerCore)} consumers per core at ~80 % CPU`);
      }
    },
  );

addPlanOptions(program.command('plan').description('workers, cores, media nodes and bandwidth for a load')).action(
  async (f: PlanFlags) => {
    const { cost, note } = await workerCost(f);
    const plan = planCapacity(planInput(f, cost), cost);
    console.log(f.json ? JSON.stringify({ calibration: note, ...plan }, null, 2) : formatPlan(plan, note));
  },
);

addPlanOptions(
  program
    .command('check')
    .description('run a load test at the planned size and compare predicted and measured worker CPU'),
)
  .addOption(
    new Option('--clients <kind>', 'RTP bots (large sizes) or headless browsers')
      .choices(['bots', 'browsers'])
      .default('bots'),
  )
  .option('--duration <sec>', 'seconds to hold everyone in after the last join', number, 30)
  .option('--join-rate <n>', 'clients started per second', number, 10)
  .option('--tolerance <percent>', 'largest acceptable |error|', number, 15)
  .option('--port-base <port>', 'first port of the embedded Parley', number, PORT_BASE)
  .option('--media-workers <n>', 'MEDIA_WORKERS of the embedded Parley', number)
  .option('--target <url>', 'an existing Parley instead of an embedded one')
  .option('--out-dir <dir>', 'where the load-test report goes', 'loadtest-report/capacity-check')
  .addOption(
    new Option('--plain-rtp-speedup <x>', 'bots with --no-bot-srtp only: how much cheaper plain RTP forwards than SRTP')
      .argParser(number)
      .default(PLAIN_RTP_SPEEDUP, `${PLAIN_RTP_SPEEDUP.toFixed(2)}`),
  )
  .option('--bot-srtp', 'bots receive over SRTP like browsers, so the calibration applies as is (default)')
  .option('--no-bot-srtp', 'bots receive plain RTP; the worker cost is scaled by --plain-rtp-speedup')
  .option(
    '--bot-tiles <medium,large>',
    'simulcast bots: shares of receivers with 360 px tiles / one 540 px tile',
    tiles,
  )
  .option('--login-rate <n>', "logins per second of the load test's login phase", number)
  .action(
    async (
      f: PlanFlags & {
        botSrtp?: boolean;
        botTiles?: TileMix;
        loginRate?: number;
        plainRtpSpeedup: number;
        clients: CheckClients;
        duration: number;
        joinRate: number;
        tolerance: number;
        portBase: number;
        mediaWorkers?: number;
        target?: string;
        outDir: string;
      },
    ) => {
      const { cost, note } = await workerCost(f);
      // Ctrl-C ends the load test early; it still tears everything down and reports
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      const outcome = await runCheck(
        planInput(f, cost),
        cost,
        {
          clients: f.clients,
          durationSec: f.duration,
          joinRate: f.joinRate,
          portBase: f.portBase,
          outDir: f.outDir,
          tolerancePercent: f.tolerance,
          plainRtpSpeedup: f.plainRtpSpeedup,
          ...(f.botSrtp === false ? { botSrtp: false } : {}),
          ...(f.botTiles ? { botTiles: f.botTiles } : {}),
          ...(f.loginRate ? { loginRate: f.loginRate } : {}),
          ...(f.mediaWorkers ? { mediaWorkers: f.mediaWorkers } : {}),
          ...(f.target ? { target: f.target } : {}),
        },
        (line) => console.error(`  ${line}`),
        abort.signal,
      );
      if (f.json) console.log(JSON.stringify({ calibration: note, ...outcome }, null, 2));
      else {
        console.log(formatPlan(outcome.plan, note));
        for (const a of outcome.adjustments) console.log(`as load-tested: ${a}`);
        console.log(
          formatCheck(outcome.result, outcome.measured.basis, {
            predictedBps: outcome.plan.totals.out.bps,
            measuredBps: outcome.measured.clientsDownBps,
          }),
        );
        for (const p of outcome.problems) console.log(`not the planned load: ${p}`);
        console.log(`load-test report: ${outcome.reportDir}/report.html`);
      }
      process.exitCode = outcome.passed ? 0 : 1;
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`capacity: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
