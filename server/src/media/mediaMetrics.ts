import type { WorkerLoad } from '@parley/protocol';
import { Gauge, type Registry } from 'prom-client';
import type { MediaNodeSummary } from './MediaCluster.js';

/** What the metrics read from the cluster (its nodes() method). */
export interface MediaNodesSource {
  nodes(): MediaNodeSummary[];
}

/**
 * Media gauges, computed at scrape time from the cluster's latest getLoad answers:
 * parley_media_nodes, and per {node, worker}: cpu, consumers, producers, routers.
 */
export function registerMediaMetrics(registry: Registry, cluster: MediaNodesSource): void {
  new Gauge({
    name: 'parley_media_nodes',
    help: 'Media nodes this server is connected to',
    registers: [registry],
    collect() {
      this.set(cluster.nodes().filter((n) => n.connected).length);
    },
  });

  const perWorker = (name: string, help: string, pick: (w: WorkerLoad) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['node', 'worker'] as const,
      registers: [registry],
      collect() {
        this.reset(); // nodes and workers that went away disappear
        for (const node of cluster.nodes()) {
          for (const w of node.workers) this.set({ node: node.id, worker: String(w.index) }, pick(w));
        }
      },
    });

  perWorker('parley_media_worker_cpu', 'CPU of a mediasoup worker, fraction of one core', (w) => w.cpu);
  perWorker('parley_media_consumers', 'Consumers on a mediasoup worker', (w) => w.consumers);
  perWorker('parley_media_producers', 'Producers on a mediasoup worker', (w) => w.producers);
  perWorker('parley_media_routers', 'Routers on a mediasoup worker', (w) => w.routers);
}
