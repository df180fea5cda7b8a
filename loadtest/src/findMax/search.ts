/**
 * `--find-max`: grow one meeting step by step and keep the largest size that stayed healthy.
 * The search itself is pure (the step runner is passed in), so it is unit-tested with a fake.
 */

/** "Healthy" for Parley: every receiver gets >= 90 % of the sent fps, p95 join < 3 s, nobody failed. */
export const HEALTHY_THRESHOLDS: readonly string[] = ['fpsRatio.min>=0.9', 'joinMs.p95<3000', 'failed<=0'];

export interface StepSize {
  /** 1-based. */
  step: number;
  receivers: number;
  botReceivers: number;
}

export interface FindMaxGrowth {
  /** Receivers of step 0 (before the first step's growth): the --receivers/--bot-receivers given. */
  baseReceivers: number;
  baseBotReceivers: number;
  stepReceivers: number;
  stepBotReceivers: number;
  maxSteps: number;
}

/** Step k has base + k × step receivers of each kind. */
export function stepSize(growth: FindMaxGrowth, step: number): StepSize {
  return {
    step,
    receivers: growth.baseReceivers + step * growth.stepReceivers,
    botReceivers: growth.baseBotReceivers + step * growth.stepBotReceivers,
  };
}

export interface StepOutcome extends StepSize {
  /** Participants in the meeting (senders + receivers, both kinds). */
  clients: number;
  joined: number;
  joinMsP95: number | null;
  fpsRatioMin: number | null;
  workerCpuMax: number | null;
  botCpuPct: number | null;
  browserCpuPct: number | null;
  healthy: boolean;
  /** Thresholds missed, in words. */
  missed: string[];
  /** Folder of this step's report, relative to the find-max output folder. */
  reportDir: string;
}

export interface FindMaxResult {
  steps: StepOutcome[];
  /** The last healthy step before the first unhealthy one; null when the first was unhealthy. */
  largestHealthy: StepOutcome | null;
  /** Why the search stopped. */
  stoppedBecause: 'unhealthy' | 'max-steps' | 'aborted';
}

export async function findMax(
  growth: FindMaxGrowth,
  runStep: (size: StepSize) => Promise<StepOutcome>,
  aborted: () => boolean = () => false,
): Promise<FindMaxResult> {
  if (growth.stepReceivers + growth.stepBotReceivers <= 0)
    throw new Error('--find-max needs --step-receivers or --step-bot-receivers > 0');
  if (growth.maxSteps < 1) throw new Error('--max-steps must be >= 1');
  const steps: StepOutcome[] = [];
  let largestHealthy: StepOutcome | null = null;
  for (let step = 1; step <= growth.maxSteps; step++) {
    if (aborted()) return { steps, largestHealthy, stoppedBecause: 'aborted' };
    const outcome = await runStep(stepSize(growth, step));
    steps.push(outcome);
    if (!outcome.healthy) return { steps, largestHealthy, stoppedBecause: 'unhealthy' };
    largestHealthy = outcome;
  }
  return { steps, largestHealthy, stoppedBecause: 'max-steps' };
}
