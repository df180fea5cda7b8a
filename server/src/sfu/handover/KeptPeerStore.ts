import type { Redis } from 'ioredis';
import type { LocalConsumer, LocalProducer, LocalSfuPeer } from '../LocalSfuPeers.js';

type TransportRecord = LocalSfuPeer['transports'] extends Map<string, infer T> ? T : never;

/**
 * A peer's SFU objects left on the media nodes by an instance stopping for a deploy, for the
 * instance its client resumes on to adopt (SfuHandOver). The same fields as LocalSfuPeer, minus
 * the socket (a new one adopts it).
 */
export interface KeptSfuPeer {
  meetingId: string;
  peerId: string;
  userId: string;
  nodeId: string;
  transports: Array<[string, TransportRecord]>;
  producers: Array<[string, LocalProducer]>;
  consumers: Array<[string, LocalConsumer]>;
}

export function keptOf(peer: LocalSfuPeer): KeptSfuPeer {
  const { meetingId, peerId, userId, nodeId } = peer;
  return {
    meetingId,
    peerId,
    userId,
    nodeId,
    transports: [...peer.transports],
    producers: [...peer.producers],
    consumers: [...peer.consumers],
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
