import { SfuServerEvents, type SfuProducerEvent } from '@parley/protocol';
import { nodesOfPeer } from './LocalSfuPeers.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';
import type { EmitToMeeting } from '../clientRooms.js';

type CleanupDeps = Pick<SfuServiceDeps, 'local' | 'store' | 'media' | 'pipes'>;
type ToRoom = EmitToMeeting;

/**
 * What a peer, a socket or a meeting leaves behind on the media nodes and in the shared producer
 * list is closed (SfuService delegates here).
 */
export class SfuCleanup {
  constructor(
    private readonly deps: CleanupDeps,
    private readonly toRoom: ToRoom,
  ) {}

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
    const plain = [...peer.transports].filter(([, t]) => t.plain);
    const nodes = nodesOfPeer(peer);
    this.deps.local.delete(peerId);
    for (const producerId of producerIds) {
      await this.deps.store.removeProducer(peer.meetingId, producerId).catch(() => undefined);
      this.toRoom(peer.meetingId, peer.socketId, SfuServerEvents.producerClosed, {
        meetingId: peer.meetingId,
        producerId,
        peerId,
      } satisfies SfuProducerEvent);
    }
    for (const nodeId of nodes) {
      const client = this.deps.media.client(nodeId);
      if (!client?.connected) continue;
      await client.request('closePeer', { meetingId: peer.meetingId, peerId }).catch(() => undefined);
      for (const [transportId, t] of plain) {
        if ((t.nodeId ?? peer.nodeId) === nodeId)
          await client.request('closeTransport', { meetingId: peer.meetingId, transportId }).catch(() => undefined);
      }
    }
  }

  private async remotePeerGone(meetingId: string, peerId: string): Promise<void> {
    const stale = (await this.deps.store.listProducers(meetingId)).filter((p) => p.peerId === peerId);
    for (const p of stale) {
      await this.deps.store.removeProducer(meetingId, p.producerId);
      this.toRoom(meetingId, null, SfuServerEvents.producerClosed, {
        meetingId,
        producerId: p.producerId,
        peerId,
      } satisfies SfuProducerEvent);
    }
    const nodes = new Set([await this.deps.store.getNode(meetingId), ...(await this.deps.pipes.nodes(meetingId))]);
    for (const nodeId of nodes) {
      const client = nodeId ? this.deps.media.client(nodeId) : undefined;
      if (client?.connected) await client.request('closePeer', { meetingId, peerId }).catch(() => undefined);
    }
  }

  /** Every SFU peer of a socket (it disconnected). */
  async socketGone(socketId: string): Promise<void> {
    for (const peer of this.deps.local.ofSocket(socketId)) await this.peerGone(peer.peerId);
  }

  /** The meeting ended (or went back to mesh for good): close its routers and forget it. */
  async closeMeeting(meetingId: string): Promise<void> {
    for (const peer of this.deps.local.ofMeeting(meetingId)) this.deps.local.delete(peer.peerId);
    const nodeId = await this.deps.store.getNode(meetingId);
    await this.deps.store.clearMeeting(meetingId);
    const client = nodeId ? this.deps.media.client(nodeId) : undefined;
    if (client?.connected) await client.request('closeRouter', { meetingId }).catch(() => undefined);
    await this.deps.pipes.closeMeeting(meetingId, nodeId);
  }
}
