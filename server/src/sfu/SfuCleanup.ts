import { nodesOfPeer } from './LocalSfuPeers.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';

type CleanupDeps = Pick<SfuServiceDeps, 'local' | 'store' | 'pipes' | 'placement' | 'notify'>;

/**
 * What a peer, a socket or a meeting leaves behind on the media nodes and in the shared producer
 * list is closed (SfuService delegates here).
 */
export class SfuCleanup {
  constructor(private readonly deps: CleanupDeps) {}

  /**
   * The peer left or its socket went: its producers go (others are told) and its transports
   * close. A peer this instance does not hold (its instance died, or it was replaced by a join
   * elsewhere) is cleaned up from the shared producer list and on the node by peer id.
   */
  async peerGone(peerId: string, meetingId?: string): Promise<void> {
    const peer = this.deps.local.get(peerId);
    if (!peer) {
      if (meetingId) await this.remotePeerGone(meetingId, peerId);
      return;
    }
    const producerIds = [...peer.producers.keys()];
    const plain = [...peer.transports.values()].filter((t) => t.plain);
    const nodes = nodesOfPeer(peer);
    this.deps.local.delete(peerId);
    // The meeting's media is kept while this instance has peers in it.
    if (this.deps.local.ofMeeting(peer.meetingId).length === 0) this.deps.placement.forget(peer.meetingId);
    for (const producerId of producerIds) {
      await this.deps.store.removeProducer(peer.meetingId, producerId).catch(() => undefined);
      this.deps.notify.producerClosed({ meetingId: peer.meetingId, producerId, peerId }, peer.socketId);
    }
    for (const nodeId of nodes) {
      const node = this.deps.placement.node(nodeId);
      if (!node.reachable) continue;
      await node.tryCall('closePeer', { meetingId: peer.meetingId, peerId });
      for (const t of plain) if (t.ref.node.id === nodeId) await t.ref.close();
    }
  }

  private async remotePeerGone(meetingId: string, peerId: string): Promise<void> {
    const stale = (await this.deps.store.listProducers(meetingId)).filter((p) => p.peerId === peerId);
    for (const p of stale) {
      await this.deps.store.removeProducer(meetingId, p.producerId);
      this.deps.notify.producerClosed({ meetingId, producerId: p.producerId, peerId }, null);
    }
    const nodes = new Set([await this.deps.store.getNode(meetingId), ...(await this.deps.pipes.nodes(meetingId))]);
    for (const nodeId of nodes) {
      if (nodeId) await this.deps.placement.node(nodeId).tryCall('closePeer', { meetingId, peerId });
    }
  }

  /** Every SFU peer of a socket (it disconnected). */
  async socketGone(socketId: string): Promise<void> {
    for (const peer of this.deps.local.ofSocket(socketId)) await this.peerGone(peer.peerId);
  }

  /** The meeting ended (or went back to mesh for good): close its routers and forget it. */
  async closeMeeting(meetingId: string): Promise<void> {
    for (const peer of this.deps.local.ofMeeting(meetingId)) this.deps.local.delete(peer.peerId);
    this.deps.placement.forget(meetingId);
    const nodeId = await this.deps.store.getNode(meetingId);
    await this.deps.store.clearMeeting(meetingId);
    if (nodeId) await this.deps.placement.node(nodeId).tryCall('closeRouter', { meetingId });
    await this.deps.pipes.closeMeeting(meetingId, nodeId);
  }
}
