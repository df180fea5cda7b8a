/** Equal-width bins for the report's distribution charts. Pure. */
export interface Histogram {
  labels: string[];
  counts: number[];
}

const short = (value: number) =>
  Math.abs(value) >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);

export function histogram(values: readonly number[], binCount = 12): Histogram {
  const kept = values.filter((v) => Number.isFinite(v));
  if (kept.length === 0) return { labels: [], counts: [] };
  const min = Math.min(...kept);
  const max = Math.max(...kept);
  if (min === max) return { labels: [short(min)], counts: [kept.length] };
  const bins = Math.max(1, Math.min(binCount, kept.length));
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const value of kept) counts[Math.min(bins - 1, Math.floor((value - min) / width))]! += 1;
  const labels = counts.map((_, i) => `${short(min + i * width)}–${short(min + (i + 1) * width)}`);
  return { labels, counts };
}
