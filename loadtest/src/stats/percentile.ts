import type { Distribution } from '../reportTypes.js';

/** The q-quantile (0..1) of sorted values, linearly interpolated (R type 7); null when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[sorted.length - 1]!;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const fraction = position - below;
  const low = sorted[below]!;
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return low + (high - low) * fraction;
}

export function percentile(values: readonly number[], p: number): number | null {
  return quantileSorted(
    finite(values).sort((a, b) => a - b),
    p / 100,
  );
}

export function mean(values: readonly (number | null | undefined)[]): number | null {
  const kept = finite(values);
  if (kept.length === 0) return null;
  return kept.reduce((sum, value) => sum + value, 0) / kept.length;
}

/** Keeps finite numbers only (nulls, NaN, Infinity dropped). */
export function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
}

export function distribution(values: readonly (number | null | undefined)[]): Distribution {
  const sorted = finite(values).sort((a, b) => a - b);
  return {
    count: sorted.length,
    mean: mean(sorted),
    min: sorted[0] ?? null,
    p5: quantileSorted(sorted, 0.05),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    max: sorted[sorted.length - 1] ?? null,
  };
}
