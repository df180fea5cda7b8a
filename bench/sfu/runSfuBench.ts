import os from 'node:os';
import { startBareTarget } from './bareTarget.js';
import { consumersAtCpu } from './capacity.js';
import { DELIVERED_MIN, measurePath } from './measurePath.js';
import { packetMix } from './mix.js';
import { startParleyTarget } from './parleyTarget.js';
import { portLayout } from './ports.js';
import type { SfuTarget } from './target.js';
import type {
  PathName,
  PathResult,
  SfuBenchOptions,
  SfuBenchResult,
  StepResult,
  VariantComparison,
  WorkerVariant,
} from './types.js';
import { locateWorkerBinary, mediasoupVersion } from './workerBinaries.js';

export type { SfuBenchOptions, SfuBenchResult } from './types.js';

export const DEFAULT_SFU_BENCH_OPTIONS: SfuBenchOptions = {
  steps: [100, 250, 500, 1000, 2000],
  warmupS: 3,
  windowS: 5,
  mix: 'meeting',
  variants: ['default'],
  noBaseline: false,
  rounds: 1,
  portBase: 46000,
  sink: 'held',
  srtp: true,
};

/**
 * SFU forwarding capacity of one worker: Parley's media node (driven over its RPC) and, as the
 * baseline, bare mediasoup with the same topology, for each worker binary of `variants` (build
 * variants, other mediasoup versions, paths). Every path runs alone, one after the other. See
 * bench/sfu/README.md.
 */
export async function runSfuBench(partial: Partial<SfuBenchOptions> = {}): Promise<SfuBenchResult> {
  const { log = () => undefined, ...options } = { ...DEFAULT_SFU_BENCH_OPTIONS, ...partial };
  const mix = packetMix(options.mix);
  const layout = portLayout(options.portBase);
  const version = mediasoupVersion();
  const result: SfuBenchResult = {
    startedAt: new Date().toISOString(),
    host: { cpus: os.availableParallelism(), model: os.cpus()[0]?.model ?? 'unknown', loadAverage: os.loadavg() },
    mediasoupVersion: version,
    mix,
    options,
    variants: [],
    skipped: [],
    best: null,
  };
  log(`mix "${mix.name}": ${mix.description}; ${mix.packetsPerSecondIn} pps in, mean ${mix.meanPacketBytes} B`);

  for (const variant of options.variants) {
    const located = locateWorkerBinary(version, variant);
    if ('missing' in located) {
      log(`${variant}: skipped: ${located.missing}`);
      result.skipped.push({ variant, reason: located.missing });
      continue;
    }
    const comparison: VariantComparison = {
      variant,
      mediasoupVersion: located.mediasoupVersion,
      stepRatios: [],
      notes: [],
    };
    const paths: Array<[PathName, () => Promise<SfuTarget>]> = [];
    if (located.mediasoupDir === null) paths.push(['parley', () => startParleyTarget(layout, located.bin)]);
    else
      comparison.notes!.push(
        `Parley not run: its media node is built on mediasoup ${version}, this worker is ${located.mediasoupVersion}`,
      );
    if (!options.noBaseline || located.mediasoupDir !== null)
      paths.push(['bare', () => startBareTarget(layout, located.bin, located.mediasoupDir)]);
    // Rounds alternate the order (parley, bare, bare, parley, ...): drift of a shared machine
    // then hits both paths alike; each step keeps its median round.
    const runs: Record<PathName, StepResult[][]> = { parley: [], bare: [] };
    const errors: Partial<Record<PathName, string>> = {};
    for (let round = 0; round < options.rounds; round++) {
      for (const [path, start] of round % 2 === 0 ? paths : [...paths].reverse()) {
        log(
          `${variant} / ${path}${options.rounds > 1 ? ` (round ${round + 1}/${options.rounds})` : ''}: ${located.bin}`,
        );
        try {
          runs[path].push(
            await measurePath(
              start,
              layout,
              mix,
              {
                steps: options.steps,
                warmupS: options.warmupS,
                windowS: options.windowS,
                sink: options.sink,
                srtp: options.srtp,
              },
              log,
            ),
          );
        } catch (error) {
          errors[path] = (error as Error).message;
          log(`${variant} / ${path} failed: ${errors[path]}`);
        }
      }
    }
    for (const [path] of paths) comparison[path] = pathResult(path, variant, located.bin, runs[path], errors[path]);
    const { parley, bare } = comparison;
    if (parley?.steps.length && bare?.steps.length) {
      let common: number | undefined;
      for (const p of parley.steps) {
        const b = bare.steps.find((s) => s.consumers === p.consumers);
        if (!b) continue;
        const ratio = round3(p.ppsOutPerCpuSecond / b.ppsOutPerCpuSecond);
        comparison.stepRatios.push({ consumers: p.consumers, ratio });
        if (p.delivered >= DELIVERED_MIN && b.delivered >= DELIVERED_MIN) common = p.consumers;
      }
      // At the highest step both paths delivered; else their headline figures.
      const atCommon = comparison.stepRatios.find((r) => r.consumers === common);
      comparison.capacityRatio = atCommon?.ratio ?? round3(parley.ppsOutPerCpuSecond / bare.ppsOutPerCpuSecond);
      if (atCommon) comparison.capacityRatioAt = atCommon.consumers;
    }
    result.variants.push(comparison);
  }

  const best = result.variants
    .filter((v) => v.parley?.steps.length)
    .sort((a, b) => b.parley!.ppsOutPerCpuSecond - a.parley!.ppsOutPerCpuSecond)[0];
  if (best?.parley) {
    result.best = {
      variant: best.variant,
      ppsOutPerCpuSecond: best.parley.ppsOutPerCpuSecond,
      consumersPerCore: best.parley.consumersPerCore,
      interpolation: best.parley.interpolation,
      ...(best.capacityRatio !== undefined ? { capacityRatio: best.capacityRatio } : {}),
      mix,
    };
  }
  return result;
}

function pathResult(
  path: PathName,
  variant: WorkerVariant,
  workerBin: string,
  runs: StepResult[][],
  error: string | undefined,
): PathResult {
  const steps = medianSteps(runs);
  const kept = steps.filter((s) => s.delivered >= DELIVERED_MIN);
  const used = kept.length ? kept : steps;
  const top = used.at(-1);
  const { consumers, interpolation } = consumersAtCpu(used);
  return {
    path,
    variant,
    workerBin,
    steps,
    ppsOutPerCpuSecond: top?.ppsOutPerCpuSecond ?? 0,
    ppsOutPerCpuSecondAt: top?.consumers ?? 0,
    consumersPerCore: consumers,
    interpolation,
    ...(runs.length > 1 ? { rounds: runs } : {}),
    ...(error && !steps.length ? { error } : {}),
  };
}

/** Per step, the round with the median packets per CPU-second (among delivered rounds if any). */
function medianSteps(runs: StepResult[][]): StepResult[] {
  const byConsumers = new Map<number, StepResult[]>();
  for (const run of runs)
    for (const step of run) byConsumers.set(step.consumers, [...(byConsumers.get(step.consumers) ?? []), step]);
  return [...byConsumers.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, all]) => {
      const delivered = all.filter((s) => s.delivered >= DELIVERED_MIN);
      const pool = (delivered.length ? delivered : all).sort((a, b) => a.ppsOutPerCpuSecond - b.ppsOutPerCpuSecond);
      return pool[Math.floor((pool.length - 1) / 2)]!;
    });
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
