import type { Redis } from 'ioredis';
import type { LocalConsumer, LocalProducer, LocalSfuPeer, LocalTransport } from '../LocalSfuPeers.js';

/** An object's record without its ref: `nodeId` names its node when that is not the peer's `nodeId`. */
type Kept<T extends { ref: unknown }> = Omit<T, 'ref'> & { nodeId?: string };

export type KeptTransport = Kept<LocalTransport>;
export type KeptProducer = Kept<LocalProducer>;
export type KeptConsumer = Kept<LocalConsumer>;

/**
 * A peer's SFU objects left on the media nodes by an instance stopping for a deploy, for the
 * instance its client resumes on to adopt (SfuHandOver). The same fields as LocalSfuPeer, minus
 * the socket (a new one adopts it), each object's ref replaced by its node's id (JSON in Redis;
 * the adopting instance rebuilds the refs).
 */
export interface KeptSfuPeer {
  meetingId: string;
  peerId: string;
  userId: string;
  nodeId: string;
  transports: Array<[string, KeptTransport]>;
  producers: Array<[string, KeptProducer]>;
  consumers: Array<[string, KeptConsumer]>;
}

export function keptOf(peer: LocalSfuPeer): KeptSfuPeer {
  const { meetingId, peerId, userId, nodeId } = peer;
  const kept = <T extends { ref: { id: string; node: { id: string } } }>({ ref, ...record }: T): [string, Kept<T>] => [
    ref.id,
    { ...record, ...(ref.node.id !== nodeId ? { nodeId: ref.node.id } : {}) },
  ];
  return {
    meetingId,
    peerId,
    userId,
    nodeId,
    transports: [...peer.transports.values()].map(kept),
    producers: [...peer.producers.values()].map(kept),
    consumers: [...peer.consumers.values()].map(kept),
  };
}

/**
 * Kept peers in Redis, `<prefix>sfu:kept:<meetingId>:<peerId>` (JSON), next to the room's peers.
 * `take` reads and deletes in one step: one instance adopts (or closes) a kept peer, never two.
 */
export class KeptPeerStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(meetingId: string, peerId: string): string {
    return `${this.prefix}sfu:kept:${meetingId}:${peerId}`;
  }

  async put(peer: KeptSfuPeer, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(peer.meetingId, peer.peerId), JSON.stringify(peer), 'PX', ttlMs);
  }

  async take(meetingId: string, peerId: string): Promise<KeptSfuPeer | null> {
    const raw = await this.redis.getdel(this.key(meetingId, peerId));
    return raw ? (JSON.parse(raw) as KeptSfuPeer) : null;
  }
}
