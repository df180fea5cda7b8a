/**
 * Scrapes the signalling server's Prometheus /metrics (server/src/metrics.ts and
 * server/src/media/mediaMetrics.ts) and keeps what a load test needs: mediasoup worker CPU,
 * consumers/producers/routers, Node event-loop lag and the server process CPU.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import type { ServerSample } from '../reportTypes.js';
import { describeFetchError } from './parleyApi.js';

function family(families: PrometheusFamily[], name: string): PrometheusFamily | undefined {
  return families.find((f) => f.name === name);
}

function total(families: PrometheusFamily[], name: string): number | null {
  const found = family(families, name);
  if (!found || found.metrics.length === 0) return null;
  return found.metrics.reduce((sum, m) => sum + Number(m.value), 0);
}

/** Pure: Prometheus text → sample (serverCpu needs the previous CPU seconds, see scrape). */
export function parseServerMetrics(text: string, t: number): ServerSample & { cpuSeconds: number | null } {
  const families = parsePrometheusTextFormat(text);
  const workerCpu: Record<string, number> = {};
  for (const metric of family(families, 'parley_media_worker_cpu')?.metrics ?? []) {
    const value = Number(metric.value);
    if (Number.isFinite(value)) workerCpu[`${metric.labels?.node ?? '?'}/${metric.labels?.worker ?? '?'}`] = value;
  }
  const cpus = Object.values(workerCpu);
  // Parley's own delay (the timer's interval taken out: idle reads 0); prom-client's p99 counts the
  // 10 ms interval itself, so older servers read 10 ms more than their lag.
  const delayP99 = family(families, 'parley_event_loop_delay_seconds')?.metrics.find(
    (m) => m.labels?.quantile === '0.99',
  );
  const lag =
    (delayP99 ? Number(delayP99.value) : null) ??
    total(families, 'nodejs_eventloop_lag_p99_seconds') ??
    total(families, 'nodejs_eventloop_lag_seconds');
  return {
    t,
    ok: true,
    mediaNodes: total(families, 'parley_media_nodes'),
    workerCpu,
    workerCpuMax: cpus.length ? Math.max(...cpus) : null,
    workerCpuTotal: cpus.length ? cpus.reduce((a, b) => a + b, 0) : null,
    consumers: total(families, 'parley_media_consumers'),
    producers: total(families, 'parley_media_producers'),
    routers: total(families, 'parley_media_routers'),
    eventLoopLagMs: lag === null ? null : lag * 1000,
    rateLimited: total(families, 'parley_socket_events_rate_limited_total') ?? 0,
    serverCpu: null,
    cpuSeconds: total(families, 'process_cpu_seconds_total'),
  };
}

export class ServerMetricsSampler {
  private last: { t: number; cpuSeconds: number } | null = null;

  constructor(private readonly baseUrl: string) {}

  async scrape(t: number): Promise<ServerSample> {
    try {
      const response = await fetch(new URL('/metrics', this.baseUrl), { signal: AbortSignal.timeout(5000) });
      if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
      const { cpuSeconds, ...sample } = parseServerMetrics(await response.text(), t);
      if (cpuSeconds !== null) {
        if (this.last && t > this.last.t)
          sample.serverCpu = (cpuSeconds - this.last.cpuSeconds) / ((t - this.last.t) / 1000);
        this.last = { t, cpuSeconds };
      }
      return sample;
    } catch (error) {
      return {
        t,
        ok: false,
        error: describeFetchError(error),
        mediaNodes: null,
        workerCpu: {},
        workerCpuMax: null,
        workerCpuTotal: null,
        consumers: null,
        producers: null,
        routers: null,
        eventLoopLagMs: null,
        serverCpu: null,
      };
    }
  }
}
