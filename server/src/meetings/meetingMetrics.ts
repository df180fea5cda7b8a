import { Counter, Gauge, type Registry } from 'prom-client';
import type { LocalPeers } from './LocalPeers.js';

export interface MeetingMetrics {
  started: Counter;
  ended: Counter<'reason'>;
  joins: Counter;
  /** Peers taken over from a stopping instance (rolling deploy), silently for the others. */
  resumes: Counter;
  signals: Counter;
  hostTransfers: Counter;
}

/** Meeting counters, and a gauge of the peers held by this instance's sockets. */
export function createMeetingMetrics(registry: Registry, localPeers: LocalPeers): MeetingMetrics {
  const registers = [registry];
  new Gauge({
    name: 'parley_meeting_peers',
    help: 'Meeting participants connected to this instance',
    registers,
    collect() {
      this.set(localPeers.size);
    },
  });
  return {
    started: new Counter({ name: 'parley_meetings_started_total', help: 'Meetings started', registers }),
    ended: new Counter({
      name: 'parley_meetings_ended_total',
      help: 'Meetings ended, by reason',
      labelNames: ['reason'],
      registers,
    }),
    joins: new Counter({ name: 'parley_meeting_joins_total', help: 'Successful join_meeting calls', registers }),
    resumes: new Counter({
      name: 'parley_meeting_resumes_total',
      help: 'join_meeting calls that took over a peer of a stopping instance',
      registers,
    }),
    signals: new Counter({ name: 'parley_video_signals_total', help: 'video-signal messages relayed', registers }),
    hostTransfers: new Counter({
      name: 'parley_meeting_host_transfers_total',
      help: 'Host role hand-overs',
      registers,
    }),
  };
}
