import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** The timer the delay is sampled with, in ms (prom-client's own default). */
export const EVENT_LOOP_SAMPLE_MS = 10;

/**
 * How late a timer of `resolutionMs` ran, from a `monitorEventLoopDelay` value in ns: Node
 * records the whole interval between two runs of its timer, so an idle loop reads the
 * resolution itself (10.1 ms at p50 with 10 ms). prom-client's `nodejs_eventloop_lag_p*_seconds`
 * report that interval; the lag is what exceeds the resolution.
 */
export function lateSeconds(intervalNs: number, resolutionMs = EVENT_LOOP_SAMPLE_MS): number {
  if (!Number.isFinite(intervalNs)) return 0;
  return Math.max(0, intervalNs / 1e6 - resolutionMs) / 1000;
}

const QUANTILES = [
  ['0.5', 50],
  ['0.99', 99],
] as const;

/**
 * `parley_event_loop_delay_seconds{quantile}`: how late the event loop ran a 10 ms timer since
 * the previous scrape (0.5, 0.99 and max); an idle loop reads 0. The load tester's
 * `eventLoopLagMs` reads the 0.99 of each scrape.
 */
export function registerEventLoopDelay(registry: Registry): void {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  histogram.enable();
  new Gauge({
    name: 'parley_event_loop_delay_seconds',
    help: 'How late the event loop ran a 10 ms timer since the last scrape (idle: 0), by quantile',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      if (histogram.count === 0) return;
      for (const [label, percentile] of QUANTILES)
        this.set({ quantile: label }, lateSeconds(histogram.percentile(percentile)));
      this.set({ quantile: 'max' }, lateSeconds(histogram.max));
      histogram.reset();
    },
  });
}
