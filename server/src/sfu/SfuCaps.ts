import type { MediaSource } from '@parley/protocol';
import { AppError } from '../appError.js';
import type { LocalSfuPeer } from './LocalSfuPeers.js';

/** SFU_MAX_TRANSPORTS, SFU_MAX_CONSUMERS_PER_PRODUCER, SFU_MAX_PRODUCERS_PER_MEETING (docs/security.md). */
export interface SfuCapSettings {
  /** Transports of one participant per direction (WebRTC and plain together). */
  maxTransports: number;
  /** Consumers one participant holds of one producer. */
  maxConsumersPerProducer: number;
  /** Producers of one meeting, every participant together. */
  maxProducersPerMeeting: number;
}

export const DEFAULT_SFU_CAPS: SfuCapSettings = {
  maxTransports: 4,
  maxConsumersPerProducer: 4,
  maxProducersPerMeeting: 1000,
};

/** Requests under way per peer, counted with what the peer already holds (parallel calls cannot pass together). */
interface Pending {
  transports: { send: number; recv: number };
  consumers: Map<string, number>;
  sources: Set<MediaSource>;
}

/**
 * The caps on one participant's SFU objects, checked (and a slot reserved) before each request
 * reaches the media node: transports per direction, consumers per producer, one producer per
 * source in progress at a time (a new producer of a source replaces the old one: SfuService),
 * producers per meeting. Past a cap: `conflict` naming the cap.
 */
export class SfuCaps {
  private readonly pending = new WeakMap<LocalSfuPeer, Pending>();

  constructor(private readonly settings: SfuCapSettings = DEFAULT_SFU_CAPS) {}

  /** Reserves a transport of `direction`; call the returned function when the request ends. */
  reserveTransport(peer: LocalSfuPeer, direction: 'send' | 'recv'): () => void {
    const pending = this.of(peer);
    const held = [...peer.transports.values()].filter((t) => t.direction === direction).length;
    if (held + pending.transports[direction] >= this.settings.maxTransports) {
      throw new AppError(
        'conflict',
        `at most ${this.settings.maxTransports} ${direction} transports per participant (SFU_MAX_TRANSPORTS)`,
        'direction',
      );
    }
    pending.transports[direction]++;
    return once(() => pending.transports[direction]--);
  }

  /** Reserves a consumer of `producerId`. */
  reserveConsumer(peer: LocalSfuPeer, producerId: string): () => void {
    const pending = this.of(peer);
    const held = [...peer.consumers.values()].filter((c) => c.producerId === producerId).length;
    const waiting = pending.consumers.get(producerId) ?? 0;
    if (held + waiting >= this.settings.maxConsumersPerProducer) {
      throw new AppError(
        'conflict',
        `at most ${this.settings.maxConsumersPerProducer} consumers of one producer per participant (SFU_MAX_CONSUMERS_PER_PRODUCER)`,
        'producerId',
      );
    }
    pending.consumers.set(producerId, waiting + 1);
    return once(() => {
      const left = (pending.consumers.get(producerId) ?? 1) - 1;
      if (left > 0) pending.consumers.set(producerId, left);
      else pending.consumers.delete(producerId);
    });
  }

  /**
   * Reserves a producer of `source`: one produce per source at a time. `meetingProducers` is the
   * meeting's producer count; a new source (not replacing one of the peer's) must stay within
   * the meeting's cap.
   */
  reserveProducer(peer: LocalSfuPeer, source: MediaSource, meetingProducers: number): () => void {
    const pending = this.of(peer);
    if (pending.sources.has(source)) {
      throw new AppError('conflict', `a ${source} producer of yours is being created`, 'appData.source');
    }
    const replaces = [...peer.producers.values()].some((p) => p.source === source);
    if (!replaces && meetingProducers >= this.settings.maxProducersPerMeeting) {
      throw new AppError(
        'conflict',
        `the meeting has ${this.settings.maxProducersPerMeeting} producers already (SFU_MAX_PRODUCERS_PER_MEETING)`,
      );
    }
    pending.sources.add(source);
    return once(() => pending.sources.delete(source));
  }

  private of(peer: LocalSfuPeer): Pending {
    let found = this.pending.get(peer);
    if (!found) {
      found = { transports: { send: 0, recv: 0 }, consumers: new Map(), sources: new Set() };
      this.pending.set(peer, found);
    }
    return found;
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
