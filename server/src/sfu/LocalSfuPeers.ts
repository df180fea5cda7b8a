import type { MediaSource } from '@parley/protocol';

export interface LocalProducer {
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  /** The node it was produced on (the peer's `nodeId` when unset). */
  nodeId?: string;
}

export interface LocalConsumer {
  producerId: string;
  /** The producing peer. */
  peerId: string;
  kind: 'audio' | 'video';
  /** Paused because its tile is not visible (sfu:report_tiles). */
  hidden: boolean;
  /** The node of its transport (the peer's `nodeId` when unset). */
  nodeId?: string;
}

/** One participant's SFU objects, owned by the instance that holds its socket. */
export interface LocalSfuPeer {
  meetingId: string;
  peerId: string;
  userId: string;
  socketId: string;
  /** The meeting's primary media node (send transports; recv transports unless `nodeId` says otherwise). */
  nodeId: string;
  /**
   * `plain`: a plain RTP transport (RTP bots); the node's closePeer does not know those.
   * `nodeId`: the node it is on when not the primary (a recv transport placed on another node).
   */
  transports: Map<string, { direction: 'send' | 'recv'; plain?: true; nodeId?: string }>;
  producers: Map<string, LocalProducer>;
  consumers: Map<string, LocalConsumer>;
}

/**
 * This instance's SFU peers, by peer id, with reverse indexes for the node's notifications
 * (which name producers and consumers only).
 */
export class LocalSfuPeers {
  private readonly peers = new Map<string, LocalSfuPeer>();
  private readonly producerOwner = new Map<string, string>();
  private readonly consumerOwner = new Map<string, string>();

  get(peerId: string): LocalSfuPeer | undefined {
    return this.peers.get(peerId);
  }

  /**
   * The peer's record, created for this socket when missing (or when the socket changed). When
   * only the meeting's node changed (it moved), the record is rebased: what it holds stays,
   * pinned to the old node.
   */
  ensure(init: Omit<LocalSfuPeer, 'transports' | 'producers' | 'consumers'>): LocalSfuPeer {
    const existing = this.peers.get(init.peerId);
    if (existing && existing.socketId === init.socketId) {
      if (existing.nodeId !== init.nodeId) rebase(existing, init.nodeId);
      return existing;
    }
    if (existing) this.delete(init.peerId);
    const peer: LocalSfuPeer = { ...init, transports: new Map(), producers: new Map(), consumers: new Map() };
    this.peers.set(init.peerId, peer);
    return peer;
  }

  addProducer(peer: LocalSfuPeer, producerId: string, producer: LocalProducer): void {
    peer.producers.set(producerId, producer);
    this.producerOwner.set(producerId, peer.peerId);
  }

  addConsumer(peer: LocalSfuPeer, consumerId: string, consumer: LocalConsumer): void {
    peer.consumers.set(consumerId, consumer);
    this.consumerOwner.set(consumerId, peer.peerId);
  }

  ownerOfProducer(producerId: string): LocalSfuPeer | undefined {
    const peerId = this.producerOwner.get(producerId);
    return peerId ? this.peers.get(peerId) : undefined;
  }

  ownerOfConsumer(consumerId: string): LocalSfuPeer | undefined {
    const peerId = this.consumerOwner.get(consumerId);
    return peerId ? this.peers.get(peerId) : undefined;
  }

  removeProducer(peer: LocalSfuPeer, producerId: string): boolean {
    this.producerOwner.delete(producerId);
    return peer.producers.delete(producerId);
  }

  removeConsumer(peer: LocalSfuPeer, consumerId: string): boolean {
    this.consumerOwner.delete(consumerId);
    return peer.consumers.delete(consumerId);
  }

  /** Forgets the peer's transports, producers and consumers (kept: the record itself). */
  reset(peer: LocalSfuPeer): void {
    for (const id of peer.producers.keys()) this.producerOwner.delete(id);
    for (const id of peer.consumers.keys()) this.consumerOwner.delete(id);
    peer.transports.clear();
    peer.producers.clear();
    peer.consumers.clear();
  }

  delete(peerId: string): LocalSfuPeer | undefined {
    const peer = this.peers.get(peerId);
    if (!peer) return undefined;
    this.reset(peer);
    this.peers.delete(peerId);
    return peer;
  }

  ofMeeting(meetingId: string): LocalSfuPeer[] {
    return [...this.peers.values()].filter((p) => p.meetingId === meetingId);
  }

  all(): LocalSfuPeer[] {
    return [...this.peers.values()];
  }

  ofSocket(socketId: string): LocalSfuPeer[] {
    return [...this.peers.values()].filter((p) => p.socketId === socketId);
  }

  get size(): number {
    return this.peers.size;
  }
}

/**
 * The meeting moved to `nodeId` (a drain): the peer's transports, producers and consumers keep
 * working where they are, now named by their node, and what the peer creates next goes to `nodeId`.
 */
export function rebase(peer: LocalSfuPeer, nodeId: string): void {
  const old = peer.nodeId;
  if (old === nodeId) return;
  for (const t of peer.transports.values()) t.nodeId ??= old;
  for (const p of peer.producers.values()) p.nodeId ??= old;
  for (const c of peer.consumers.values()) c.nodeId ??= old;
  peer.nodeId = nodeId;
}

/** Every node a peer has transports on (its primary node first). */
export function nodesOfPeer(peer: LocalSfuPeer): string[] {
  return [...new Set([peer.nodeId, ...[...peer.transports.values()].map((t) => t.nodeId ?? peer.nodeId)])];
}
