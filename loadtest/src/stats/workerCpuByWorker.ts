/**
 * Each mediasoup worker's CPU while everyone is in the meeting: the server samples after the
 * last join (the first one left out, it spans the join; all samples when none qualify), per
 * `node/worker`. The media routers at the busiest sample say whether a meeting spread over
 * workers. Pure.
 */
import type { LoadReport } from '../reportTypes.js';

export interface WorkerCpuFigure {
  /** `node/worker` as the metrics label it. */
  worker: string;
  /** Fraction of one core. */
  mean: number;
  max: number;
}

export interface WorkerCpuByWorker {
  workers: WorkerCpuFigure[];
  samples: number;
  /** The most media routers seen in those samples (one meeting over two workers: 2). */
  routersMax: number | null;
}

export function workerCpuByWorker(report: Pick<LoadReport, 'timeline' | 'server' | 'summary'>): WorkerCpuByWorker {
  const target = report.summary.clients - report.summary.failed;
  const allIn = report.timeline.find((p) => p.joined >= target && target > 0)?.t ?? null;
  const usable = report.server.filter((s) => s.ok && Object.keys(s.workerCpu).length > 0);
  const steady = allIn === null ? [] : usable.filter((s) => s.t > allIn).slice(1);
  const used = steady.length > 0 ? steady : usable;
  const values = new Map<string, number[]>();
  for (const sample of used)
    for (const [worker, cpu] of Object.entries(sample.workerCpu))
      values.set(worker, [...(values.get(worker) ?? []), cpu]);
  const workers = [...values.entries()]
    .map(([worker, cpus]) => ({
      worker,
      mean: cpus.reduce((a, b) => a + b, 0) / cpus.length,
      max: Math.max(...cpus),
    }))
    .sort((a, b) => a.worker.localeCompare(b.worker));
  const routers = used.map((s) => s.routers).filter((r): r is number => r !== null);
  return { workers, samples: used.length, routersMax: routers.length > 0 ? Math.max(...routers) : null };
}

/** `worker 0 mean 41 % (max 47 %), worker 1 ...` for the CLI. */
export function describeWorkerCpu(figures: WorkerCpuByWorker): string {
  if (figures.workers.length === 0) return 'worker CPU by worker: no samples';
  const each = figures.workers
    .map((w) => `${w.worker} mean ${(w.mean * 100).toFixed(0)} % (max ${(w.max * 100).toFixed(0)} %)`)
    .join(', ');
  const routers = figures.routersMax === null ? '' : `; media routers up to ${figures.routersMax}`;
  return `worker CPU by worker over ${figures.samples} samples after the last join: ${each}${routers}`;
}
