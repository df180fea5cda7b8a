import type { MediaSource } from '@parley/protocol';
import type { ConsumerRef } from './media/ConsumerRef.js';
import type { ProducerRef } from './media/ProducerRef.js';
import type { RemoteObjectRef } from './media/RemoteObjectRef.js';
import type { TransportRef } from './media/TransportRef.js';

export interface LocalTransport {
  direction: 'send' | 'recv';
  /** A plain RTP transport (RTP bots); the node's closePeer does not know those. */
  plain?: true;
  /** The transport on its node (the meeting's primary node when it was made, or another for a recv one). */
  ref: TransportRef;
}

export interface LocalProducer {
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  /** The producer on the node it was produced on. */
  ref: ProducerRef;
}

export interface LocalConsumer {
  producerId: string;
  /** The producing peer. */
  peerId: string;
  kind: 'audio' | 'video';
  /** Paused because its tile is not visible (sfu:report_tiles). */
  hidden: boolean;
  /** The consumer on the node of its transport. */
  ref: ConsumerRef;
}

/** One participant's SFU objects, owned by the instance that holds its socket. */
export interface LocalSfuPeer {
  meetingId: string;
  peerId: string;
  userId: string;
  socketId: string;
  /** The meeting's primary media node: where what the peer creates next goes (recv transports may go elsewhere). */
  nodeId: string;
  /** Each entry's ref is bound to its node; an entry goes when its ref raises `close`. */
  transports: Map<string, LocalTransport>;
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

  /** Held until its ref raises `close` (or the peer's record is reset). */
  addTransport(peer: LocalSfuPeer, transport: LocalTransport): void {
    const { id } = transport.ref;
    peer.transports.set(id, transport);
    whenClosed(transport.ref, () => {
      if (peer.transports.get(id) === transport) peer.transports.delete(id);
    });
  }

  /** Held until its ref raises `close` (or the peer's record is reset). */
  addProducer(peer: LocalSfuPeer, producer: LocalProducer): void {
    const { id } = producer.ref;
    peer.producers.set(id, producer);
    this.producerOwner.set(id, peer.peerId);
    whenClosed(producer.ref, () => {
      if (peer.producers.get(id) !== producer) return;
      peer.producers.delete(id);
      if (this.producerOwner.get(id) === peer.peerId) this.producerOwner.delete(id);
    });
  }

  /** Held until its ref raises `close` (or the peer's record is reset). */
  addConsumer(peer: LocalSfuPeer, consumer: LocalConsumer): void {
    const { id } = consumer.ref;
    peer.consumers.set(id, consumer);
    this.consumerOwner.set(id, peer.peerId);
    whenClosed(consumer.ref, () => {
      if (peer.consumers.get(id) !== consumer) return;
      peer.consumers.delete(id);
      if (this.consumerOwner.get(id) === peer.peerId) this.consumerOwner.delete(id);
    });
  }

  ownerOfProducer(producerId: string): LocalSfuPeer | undefined {
    const peerId = this.producerOwner.get(producerId);
    return peerId ? this.peers.get(peerId) : undefined;
  }

  ownerOfConsumer(consumerId: string): LocalSfuPeer | undefined {
    const peerId = this.consumerOwner.get(consumerId);
    return peerId ? this.peers.get(peerId) : undefined;
  }

  /**
   * Forgets the peer's transports, producers and consumers without closing them (kept: the record
   * itself): they were closed on their nodes by other means, or stay there (a hand-over).
   */
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
 * working where they are (each ref is bound to its node), and what the peer creates next goes to `nodeId`.
 */
export function rebase(peer: LocalSfuPeer, nodeId: string): void {
  peer.nodeId = nodeId;
}

/** Every node a peer has transports on (its primary node first). */
export function nodesOfPeer(peer: LocalSfuPeer): string[] {
  return [...new Set([peer.nodeId, ...[...peer.transports.values()].map((t) => t.ref.node.id)])];
}

/** `drop` when the ref raises `close`, unless the ref already did. */
function whenClosed(ref: RemoteObjectRef, drop: () => void): void {
  if (ref.closed) drop();
  else ref.once('close', drop);
}
