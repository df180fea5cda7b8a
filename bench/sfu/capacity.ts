import type { StepResult } from './types.js';

export const TARGET_CPU = 0.8;

/**
 * Consumers one worker carries at 80 % of a core. Between the two measured steps whose CPU
 * brackets 80 %: linear interpolation. Otherwise (every step below, or above, 80 %): the
 * least-squares line of CPU against consumers over all steps, solved for 80 %.
 */
export function consumersAtCpu(
  steps: StepResult[],
  target = TARGET_CPU,
): { consumers: number; interpolation: 'interpolated' | 'extrapolated' } {
  const points = steps.filter((s) => Number.isFinite(s.workerCpu)).sort((a, b) => a.consumers - b.consumers);
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.workerCpu <= target && b.workerCpu >= target && b.workerCpu > a.workerCpu) {
      const consumers =
        a.consumers + ((target - a.workerCpu) / (b.workerCpu - a.workerCpu)) * (b.consumers - a.consumers);
      return { consumers: Math.round(consumers), interpolation: 'interpolated' };
    }
  }
  if (points.length === 0) return { consumers: 0, interpolation: 'extrapolated' };
  if (points.length === 1) {
    const only = points[0]!;
    return {
      consumers: only.workerCpu > 0 ? Math.round((only.consumers * target) / only.workerCpu) : 0,
      interpolation: 'extrapolated',
    };
  }
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.consumers, 0) / n;
  const my = points.reduce((s, p) => s + p.workerCpu, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.consumers - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.consumers - mx) * (p.workerCpu - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  if (slope <= 0) return { consumers: 0, interpolation: 'extrapolated' };
  const intercept = my - slope * mx;
  return { consumers: Math.round((target - intercept) / slope), interpolation: 'extrapolated' };
}
