import type { Logger } from '../../logger.js';
import type { LocalSfuPeer } from '../LocalSfuPeers.js';
import { ConsumerRef } from '../media/ConsumerRef.js';
import { ProducerRef } from '../media/ProducerRef.js';
import { TransportRef } from '../media/TransportRef.js';
import type { SfuService } from '../SfuService.js';
import type { SfuServiceDeps } from '../SfuServiceDeps.js';
import type { StoredProducer } from '../SfuStore.js';
import { keptOf, type KeptPeerStore, type KeptSfuPeer } from './KeptPeerStore.js';

type HandOverDeps = Pick<SfuServiceDeps, 'local' | 'store' | 'placement' | 'notify'> & {
  service: SfuService;
  kept: KeptPeerStore;
  logger: Logger;
};

/**
 * After the resume window the kept record stays this long more, so that the instance whose
 * sweeper removes the peer (its instance's liveness key expired) still finds it to close its objects.
 */
const KEPT_MARGIN_MS = 60_000;

/**
 * SFU objects through a rolling deploy of signalling (docs/operations.md): the stopping instance
 * leaves its peers' transports, producers and consumers on the media nodes and writes what they
 * are (KeptPeerStore); the instance a client resumes its peer on (`join_meeting` with
 * `resumePeerId`) adopts them, so that the page keeps its transports and nobody's media stops.
 * What is not adopted is closed when the peer is removed (`discard`).
 */
export class SfuHandOver {
  constructor(private readonly deps: HandOverDeps) {}

  /** This instance stops: its peers' SFU objects stay on the nodes, recorded for adoption. */
  async keepAll(resumeMs: number): Promise<number> {
    let kept = 0;
    for (const peer of this.deps.local.all()) {
      try {
        await this.deps.kept.put(keptOf(peer), resumeMs + KEPT_MARGIN_MS);
        kept++;
      } catch (error) {
        this.deps.logger.warn({ err: error, meetingId: peer.meetingId }, 'keeping an sfu peer failed: closed');
        await this.deps.service.peerGone(peer.peerId, peer.meetingId).catch(() => undefined);
        continue;
      }
      // Forgotten here without closing anything: the socket's disconnect finds nothing to clean up.
      this.deps.local.delete(peer.peerId);
    }
    return kept;
  }

  /**
   * The socket's join just resumed `peerId` (RoomService checked that it is the user's own peer
   * of another instance): its kept SFU objects become this socket's. False when there is nothing
   * to adopt, or it cannot be (a node is unreachable, a producer is gone): then what was kept is
   * closed and the page builds new transports, as without a hand-over.
   */
  async adopt(socketId: string, meetingId: string, peerId: string, userId: string): Promise<boolean> {
    const kept = await this.deps.kept.take(meetingId, peerId);
    if (!kept) return false;
    if (kept.userId !== userId || !(await this.adoptable(kept))) {
      await this.close(kept);
      return false;
    }
    // The socket may have gone meanwhile: what was kept is closed rather than left behind.
    const found = await this.deps.service.peer(socketId, meetingId, false, true).catch(() => null);
    const peer = found?.peer;
    if (peer?.peerId !== peerId) {
      await this.close(kept);
      return false;
    }
    this.install(peer, kept);
    const producers = await this.deps.store.listProducers(meetingId);
    for (const stored of producers) {
      if (stored.peerId === peerId) await this.deps.store.putProducer(meetingId, { ...stored, socketId });
    }
    this.catchUp(peer, producers);
    this.deps.logger.info(
      { meetingId, transports: kept.transports.length, producers: kept.producers.length },
      'sfu objects of a resumed peer adopted',
    );
    return true;
  }

  /**
   * What the peer's socket missed while it had none: producers that closed (their consumers,
   * closed by the node meanwhile, are forgotten and the page told) and producers made (announced
   * to it again). Producers the peer already consumes are not announced twice.
   */
  private catchUp(peer: LocalSfuPeer, producers: StoredProducer[]): void {
    const { meetingId, socketId } = peer;
    const live = new Set(producers.map((p) => p.producerId));
    for (const [consumerId, consumer] of [...peer.consumers]) {
      if (live.has(consumer.producerId)) continue;
      consumer.ref.markClosed();
      this.deps.notify.consumerClosed(socketId, { meetingId, consumerId, producerId: consumer.producerId });
    }
    const consumed = new Set([...peer.consumers.values()].map((c) => c.producerId));
    for (const { producerId, peerId, userId, kind, source, paused } of producers) {
      if (peerId === peer.peerId || consumed.has(producerId)) continue;
      this.deps.notify.newProducerTo(socketId, { meetingId, producerId, peerId, userId, kind, source, paused });
    }
  }

  /** The peer was removed (not resumed in time, or left): its kept objects, if any, are closed. */
  async discard(meetingId: string, peerId: string): Promise<void> {
    const kept = await this.deps.kept.take(meetingId, peerId);
    if (kept) await this.close(kept);
  }

  /** Every node reachable, and every producer still in the meeting's list (none closed meanwhile). */
  private async adoptable(kept: KeptSfuPeer): Promise<boolean> {
    const nodes = nodesOf(kept);
    if (!nodes.every((nodeId) => this.deps.placement.node(nodeId).reachable)) return false;
    const listed = new Set((await this.deps.store.listProducers(kept.meetingId)).map((p) => p.producerId));
    return kept.producers.every(([producerId]) => listed.has(producerId));
  }

  /**
   * The kept objects into this instance's record of the peer (a new record: it holds nothing yet),
   * each with a ref rebuilt on its node: the peer's kept node unless the record names another.
   * The peer's `nodeId` stays the meeting's current node (it may have moved meanwhile: a drain).
   */
  private install(peer: LocalSfuPeer, kept: KeptSfuPeer): void {
    const { local, placement } = this.deps;
    local.reset(peer);
    const { meetingId } = kept;
    const node = (nodeId: string | undefined) => placement.node(nodeId ?? kept.nodeId);
    for (const [id, { nodeId, ...t }] of kept.transports)
      local.addTransport(peer, { ...t, ref: new TransportRef(meetingId, id, node(nodeId)) });
    for (const [id, { nodeId, ...p }] of kept.producers)
      local.addProducer(peer, { ...p, ref: new ProducerRef(meetingId, id, node(nodeId)) });
    for (const [id, { nodeId, ...c }] of kept.consumers)
      local.addConsumer(peer, { ...c, ref: new ConsumerRef(meetingId, id, node(nodeId)) });
  }

  /** Closes what was kept on its nodes (its producers leave the meeting's list; the others are told). */
  private async close(kept: KeptSfuPeer): Promise<void> {
    const { meetingId, peerId } = kept;
    const listed = new Set((await this.deps.store.listProducers(meetingId).catch(() => [])).map((p) => p.producerId));
    for (const [producerId] of kept.producers) {
      if (!listed.has(producerId)) continue;
      await this.deps.store.removeProducer(meetingId, producerId).catch(() => undefined);
      this.deps.notify.producerClosed({ meetingId, producerId, peerId }, null);
    }
    for (const nodeId of nodesOf(kept)) {
      const node = this.deps.placement.node(nodeId);
      await node.tryCall('closePeer', { meetingId, peerId });
      // closePeer does not know plain transports (RTP bots): each transport is closed by id.
      for (const [transportId, t] of kept.transports) {
        if ((t.nodeId ?? kept.nodeId) === nodeId) await node.tryCall('closeTransport', { meetingId, transportId });
      }
    }
  }
}

function nodesOf(kept: KeptSfuPeer): string[] {
  return [...new Set([kept.nodeId, ...kept.transports.map(([, t]) => t.nodeId ?? kept.nodeId)])];
}
