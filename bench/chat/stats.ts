/** A growable list of samples with percentiles. */
export class Samples {
  private values = new Float64Array(1024);
  private count = 0;

  add(value: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = value;
  }

  get size(): number {
    return this.count;
  }

  /** p in 0..100, nearest-rank; NaN when empty. */
  percentiles(ps: number[]): number[] {
    if (this.count === 0) return ps.map(() => Number.NaN);
    const sorted = this.values.slice(0, this.count).sort();
    return ps.map((p) => sorted[Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1))]!);
  }

  max(): number {
    let max = Number.NaN;
    for (let i = 0; i < this.count; i++) if (!(this.values[i]! <= max)) max = this.values[i]!;
    return max;
  }
}

export const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
