import type { SfuProducerInfo } from '@parley/protocol';

/** A producer of the meeting, as every instance sees it. */
export interface StoredProducer extends SfuProducerInfo {
  /** The socket of the producing peer (on any instance). */
  socketId: string;
  /** The node it was produced on (the meeting's primary node when it was made). */
  nodeId?: string;
}

/**
 * SFU state shared by every server instance: which media node hosts a meeting, and the
 * meeting's producers (Redis with REDIS_URL, memory otherwise). Per-peer transports and
 * consumers are not here: the instance holding the peer's socket owns them (LocalSfuPeers).
 */
export interface SfuStore {
  /** The node hosting the meeting, if placed. */
  getNode(meetingId: string): Promise<string | null>;
  /** Places the meeting on `nodeId` unless it is placed already (or `replace`); returns the node it is on. */
  placeNode(meetingId: string, nodeId: string, replace?: string): Promise<string>;
  putProducer(meetingId: string, producer: StoredProducer): Promise<void>;
  getProducer(meetingId: string, producerId: string): Promise<StoredProducer | null>;
  /** Updates `paused`; no-op when the producer is gone. */
  setProducerPaused(meetingId: string, producerId: string, paused: boolean): Promise<void>;
  removeProducer(meetingId: string, producerId: string): Promise<void>;
  listProducers(meetingId: string): Promise<StoredProducer[]>;
  /** Forgets the meeting (it ended or its media was reset). */
  clearMeeting(meetingId: string, keepNode?: boolean): Promise<void>;
}

/** SfuStore of a single instance (no REDIS_URL): synchronous work, settled promises. */
export class MemorySfuStore implements SfuStore {
  private readonly nodes = new Map<string, string>();
  private readonly producers = new Map<string, Map<string, StoredProducer>>();

  getNode(meetingId: string): Promise<string | null> {
    return Promise.resolve(this.nodes.get(meetingId) ?? null);
  }

  placeNode(meetingId: string, nodeId: string, replace?: string): Promise<string> {
    const current = this.nodes.get(meetingId);
    if (current === undefined || current === replace) this.nodes.set(meetingId, nodeId);
    return Promise.resolve(this.nodes.get(meetingId)!);
  }

  putProducer(meetingId: string, producer: StoredProducer): Promise<void> {
    let map = this.producers.get(meetingId);
    if (!map) this.producers.set(meetingId, (map = new Map<string, StoredProducer>()));
    map.set(producer.producerId, { ...producer });
    return Promise.resolve();
  }

  getProducer(meetingId: string, producerId: string): Promise<StoredProducer | null> {
    const p = this.producers.get(meetingId)?.get(producerId);
    return Promise.resolve(p ? { ...p } : null);
  }

  setProducerPaused(meetingId: string, producerId: string, paused: boolean): Promise<void> {
    const p = this.producers.get(meetingId)?.get(producerId);
    if (p) p.paused = paused;
    return Promise.resolve();
  }

  removeProducer(meetingId: string, producerId: string): Promise<void> {
    this.producers.get(meetingId)?.delete(producerId);
    return Promise.resolve();
  }

  listProducers(meetingId: string): Promise<StoredProducer[]> {
    return Promise.resolve([...(this.producers.get(meetingId)?.values() ?? [])].map((p) => ({ ...p })));
  }

  clearMeeting(meetingId: string, keepNode = false): Promise<void> {
    if (!keepNode) this.nodes.delete(meetingId);
    this.producers.delete(meetingId);
    return Promise.resolve();
  }
}
