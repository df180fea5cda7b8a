import { Counter, Gauge, type Registry } from 'prom-client';
import type { LocalSfuPeers } from './LocalSfuPeers.js';

export interface SfuMetrics {
  /** sfu:transports_reset sent, by reason (worker_died, node_lost). */
  transportsReset: Counter<'reason'>;
  /** meeting_mode changes made by this instance, by new mode. */
  modeChanges: Counter<'mode'>;
  /** Pipe transport pairs between media nodes created by this instance. */
  nodePipes: Counter;
  /** Peers moving off a draining media node, by stage (started: sfu:migrate sent; finished: old objects closed). */
  drainMoves: Counter<'stage'>;
}

/**
 * parley_sfu_peers (gauge, this instance), parley_sfu_transports_reset_total,
 * parley_meeting_mode_changes_total, parley_sfu_node_pipes_total, parley_sfu_drain_moves_total.
 */
export function createSfuMetrics(registry: Registry, local: LocalSfuPeers): SfuMetrics {
  new Gauge({
    name: 'parley_sfu_peers',
    help: 'SFU participants whose socket this instance holds',
    registers: [registry],
    collect() {
      this.set(local.size);
    },
  });
  return {
    transportsReset: new Counter({
      name: 'parley_sfu_transports_reset_total',
      help: 'sfu:transports_reset events sent to clients',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    modeChanges: new Counter({
      name: 'parley_meeting_mode_changes_total',
      help: 'Meeting mode switches (mesh ↔ sfu) made by this instance',
      labelNames: ['mode'] as const,
      registers: [registry],
    }),
    nodePipes: new Counter({
      name: 'parley_sfu_node_pipes_total',
      help: 'Pipe transport pairs created between media nodes (a meeting spread over nodes)',
      registers: [registry],
    }),
    drainMoves: new Counter({
      name: 'parley_sfu_drain_moves_total',
      help: 'Participants moved off a draining media node (started: sfu:migrate sent; finished: old objects closed)',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
  };
}
