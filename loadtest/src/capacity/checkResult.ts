/** Predicted vs measured worker CPU: the percent error and whether it is within tolerance. */

export interface CheckResult {
  /** Cores (CPU-seconds per second, summed over workers). */
  predictedWorkerCpu: number;
  measuredWorkerCpu: number;
  /** (predicted − measured) / measured × 100; positive = the planner over-estimates. */
  errorPercent: number;
  tolerancePercent: number;
  withinTolerance: boolean;
}

export function compareCpu(predicted: number, measured: number, tolerancePercent: number): CheckResult {
  if (!(tolerancePercent >= 0)) throw new Error(`tolerance must be 0 or more, got ${tolerancePercent}`);
  if (!(measured > 0)) throw new Error(`measured worker CPU is ${measured}: nothing was forwarded, cannot compare`);
  const errorPercent = ((predicted - measured) / measured) * 100;
  return {
    predictedWorkerCpu: predicted,
    measuredWorkerCpu: measured,
    errorPercent,
    tolerancePercent,
    withinTolerance: Math.abs(errorPercent) <= tolerancePercent,
  };
}
