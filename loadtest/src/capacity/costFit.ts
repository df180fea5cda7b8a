/**
 * The worker's forwarding cost from bench:sfu's steps. bench:sfu keeps the input fixed (one
 * meeting's producers) and steps up the consumers; per step it gives worker CPU and packets out.
 *
 * The cost used is the ratio packets out / worker CPU at the highest step that delivered its
 * packets (a step that lost more than 5 % ran on an overloaded host and is left out). That ratio
 * folds in the input and the per-consumer costs at a realistic fan-out. A least-squares line of
 * CPU against packets out is kept for information (its slope is the marginal cost of a packet;
 * its intercept was too noisy on a shared 2-core host to be used as an input term). Pure.
 */

export interface CostStep {
  consumers: number;
  ppsIn: number;
  ppsOut: number;
  /** What the topology should give; a step far below it lost packets (an overloaded host). */
  ppsOutExpected: number;
  /** Fraction of one core. */
  workerCpu: number;
}

/** Steps that delivered less than this share of the expected packets are left out. */
export const MIN_DELIVERY = 0.95;

export interface FittedCost {
  /** Packets out per worker CPU-second at the chosen step. */
  ppsOutPerCpuSecond: number;
  /** Consumers of the benchmark's mix one worker carries at 80 % CPU, at that ratio. */
  consumersAt80: number;
  /** The chosen step's consumers. */
  atConsumers: number;
  /** Steps used / left out for packet loss. */
  used: number;
  leftOut: number;
  /** The line through the usable steps, when there are two or more: 1 / slope, and CPU at zero output. */
  line: { marginalPpsOutPerCpuSecond: number; interceptCpu: number } | null;
}

export function fitCost(steps: readonly CostStep[]): FittedCost {
  const usable = steps.filter((s) => s.ppsOut > 0 && s.workerCpu > 0 && s.ppsOut >= MIN_DELIVERY * s.ppsOutExpected);
  if (usable.length === 0)
    throw new Error(
      `no benchmark step delivered ${MIN_DELIVERY * 100} % of its packets with measurable worker CPU (host overloaded?)`,
    );
  const top = usable.reduce((a, b) => (b.ppsOut > a.ppsOut ? b : a));
  const ppsOutPerCpuSecond = top.ppsOut / top.workerCpu;
  return {
    ppsOutPerCpuSecond,
    consumersAt80: (0.8 * ppsOutPerCpuSecond) / (top.ppsOut / top.consumers),
    atConsumers: top.consumers,
    used: usable.length,
    leftOut: steps.length - usable.length,
    line: fitLine(usable),
  };
}

function fitLine(points: readonly CostStep[]): FittedCost['line'] {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.ppsOut, 0) / n;
  const my = points.reduce((s, p) => s + p.workerCpu, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.ppsOut - mx) ** 2, 0);
  if (sxx === 0) return null;
  const slope = points.reduce((s, p) => s + (p.ppsOut - mx) * (p.workerCpu - my), 0) / sxx;
  if (!(slope > 0)) return null;
  return { marginalPpsOutPerCpuSecond: 1 / slope, interceptCpu: my - slope * mx };
}
