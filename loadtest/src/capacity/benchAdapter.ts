/**
 * The one place that knows bench:sfu (bench/sfu/runSfuBench.ts, bench/sfu/types.ts): runs it
 * and turns its result into the figures a calibration stores.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fitCost } from './costFit.js';
import type { SfuBenchOptions, SfuBenchResult, WorkerVariant } from '../../../bench/sfu/types.js';

export interface BenchRunOptions {
  quick: boolean;
  /** First of the 900 ports the benchmark may listen on. */
  portBase: number;
  /** Worker builds to measure (default: both; the faster one is kept). */
  variants?: WorkerVariant[];
  mix: 'meeting' | 'audio';
  log?: (line: string) => void;
}

export interface BenchFigures {
  ppsOutPerCpuSecond: number;
  cpuSecondsPerPacketIn: number;
  consumersPerCore: number;
  variant: string;
  srtp: boolean;
  packetMix: string;
  durationSec: number;
  /** The benchmark's headline figures, kept as they were. */
  figures: Record<string, unknown>;
}

type RunSfuBench = (options: Partial<SfuBenchOptions>) => Promise<SfuBenchResult>;

const BENCH_MODULE = path.resolve(import.meta.dirname, '../../../bench/sfu/runSfuBench.ts');

/** What `--quick` means (the same as bench:sfu's own --quick). */
export const QUICK_BENCH: Partial<SfuBenchOptions> = { steps: [50, 200], warmupS: 1, windowS: 2 };

async function loadBench(): Promise<RunSfuBench> {
  let mod: { runSfuBench?: RunSfuBench };
  try {
    mod = (await import(pathToFileURL(BENCH_MODULE).href)) as { runSfuBench?: RunSfuBench };
  } catch (err) {
    throw new Error(`the SFU benchmark (${BENCH_MODULE}) cannot be loaded: ${(err as Error).message}`, { cause: err });
  }
  if (typeof mod.runSfuBench !== 'function') throw new Error(`${BENCH_MODULE} does not export runSfuBench`);
  return mod.runSfuBench;
}

/** Maps the benchmark result to calibration figures; throws when it measured nothing usable. */
export function benchFigures(result: SfuBenchResult, durationSec: number): BenchFigures {
  const best = result.best;
  if (!best || !(best.ppsOutPerCpuSecond > 0) || !(best.consumersPerCore > 0)) {
    const why = [
      ...result.skipped.map((s) => `${s.variant}: ${s.reason}`),
      ...result.variants.map((v) => v.parley?.error).filter((e): e is string => typeof e === 'string'),
    ];
    throw new Error(`the SFU benchmark measured nothing usable${why.length ? ` (${why.join('; ')})` : ''}`);
  }
  const parley = result.variants.find((v) => v.variant === best.variant)?.parley;
  const fitted = fitCost(parley?.steps ?? []);
  return {
    ppsOutPerCpuSecond: fitted.ppsOutPerCpuSecond,
    // folded into the ratio (see costFit.ts)
    cpuSecondsPerPacketIn: 0,
    consumersPerCore: fitted.consumersAt80,
    variant: best.variant,
    srtp: true,
    packetMix: `${best.mix.name}: ${best.mix.description} (mean ${best.mix.meanPacketBytes} B)`,
    durationSec,
    figures: {
      fit: `ratio at ${fitted.atConsumers} consumers; ${fitted.used} step(s) delivered, ${fitted.leftOut} left out for packet loss`,
      line: fitted.line,
      benchPpsOutPerCpuSecond: best.ppsOutPerCpuSecond,
      benchConsumersPerCore: best.consumersPerCore,
      mediasoupVersion: result.mediasoupVersion,
      host: result.host,
      interpolation: best.interpolation,
      capacityRatio: best.capacityRatio ?? null,
      steps: parley?.steps ?? [],
      options: result.options,
      skipped: result.skipped,
    },
  };
}

export async function runCalibrationBench(options: BenchRunOptions): Promise<BenchFigures> {
  const runSfuBench = await loadBench();
  const started = Date.now();
  const result = await runSfuBench({
    ...(options.quick ? QUICK_BENCH : {}),
    mix: options.mix,
    noBaseline: true,
    portBase: options.portBase,
    ...(options.variants ? { variants: options.variants } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  return benchFigures(result, Math.round((Date.now() - started) / 1000));
}
