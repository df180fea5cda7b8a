import type { SfuTransportsResetEvent } from '@parley/protocol';
import { nodesOfPeer, type LocalSfuPeer } from './LocalSfuPeers.js';
import type { SfuNodeEventDeps } from './SfuNodeEventDeps.js';

export interface NodeLossDeps extends SfuNodeEventDeps {
  /** Called for each sfu:transports_reset sent (metrics). */
  onReset?: (reason: SfuTransportsResetEvent['reason']) => void;
  /**
   * No media node is left: the meeting goes back to mesh if it is small enough (MeetingModeSwitch);
   * resolves to whether it did.
   */
  fallbackToMesh?: (meetingId: string) => Promise<boolean>;
}

/**
 * A whole media node lost (docs/sfu.md "Failures"; MediaCluster declares it after a grace).
 * Every instance handles its own SFU peers with objects on that node:
 * - the meeting's primary node is gone: the meeting is un-placed (its next `sfu:*` request
 *   places it on a live node), its routers on other nodes are closed, and every local peer of it
 *   is reset;
 * - another node of the meeting is gone: its pipes are forgotten, and the peers that had
 *   transports there are reset (their objects on the surviving nodes are closed, their producers
 *   announced closed).
 * A reset peer gets `sfu:transports_reset` (reason `node_lost`). With no node left, small
 * meetings fall back to mesh; the others get another reset when a node comes back.
 */
export class NodeLoss {
  /** SFU meetings left without any node (reset again once a node is up). */
  private readonly orphaned = new Set<string>();

  constructor(private readonly deps: NodeLossDeps) {}

  async nodeLost(nodeId: string): Promise<void> {
    const { local, logger } = this.deps;
    const meetingIds = new Set(
      local
        .all()
        .filter((peer) => nodesOfPeer(peer).includes(nodeId))
        .map((peer) => peer.meetingId),
    );
    for (const meetingId of meetingIds) await this.resetMeeting(meetingId, nodeId, 'node_lost');
    if (meetingIds.size > 0)
      logger.warn({ nodeId, meetings: [...meetingIds] }, 'media node lost: sfu transports reset');
    if (this.deps.media.nodes().some((n) => n.connected && n.workers.length > 0)) return;
    for (const meetingId of meetingIds) {
      const toMesh = await this.deps.fallbackToMesh?.(meetingId).catch((error: unknown) => {
        logger.warn({ err: error, meetingId }, 'mesh fallback failed');
        return false;
      });
      if (!toMesh) this.orphaned.add(meetingId);
    }
  }

  /**
   * A worker of `nodeId` died: the node closed these meetings there and rebuilt them. Where it
   * was the primary node the meeting stays placed on it; otherwise like a lost node.
   */
  async workerDied(nodeId: string, meetingIds: readonly string[]): Promise<void> {
    for (const meetingId of meetingIds) await this.resetMeeting(meetingId, nodeId, 'worker_died');
  }

  private async resetMeeting(
    meetingId: string,
    nodeId: string,
    reason: SfuTransportsResetEvent['reason'],
  ): Promise<void> {
    const { local, store, pipes, placement } = this.deps;
    // Placed again by the next request of the meeting (its kept media is dropped here).
    placement.forget(meetingId);
    const current = await store.getNode(meetingId);
    if (current === nodeId || current === null) {
      await pipes.closeMeeting(meetingId, nodeId);
      if (current === nodeId) await store.clearMeeting(meetingId, reason === 'worker_died');
    } else {
      await pipes.forgetNode(meetingId, nodeId);
    }
    for (const peer of local.ofMeeting(meetingId)) {
      if (nodesOfPeer(peer).includes(nodeId)) await this.resetPeer(peer, nodeId, reason);
    }
  }

  /** A node is up: meetings left without a node are told to start again. */
  nodeUp(): void {
    for (const meetingId of this.orphaned) {
      for (const peer of this.deps.local.ofMeeting(meetingId)) this.sendReset(peer, 'node_lost');
    }
    this.orphaned.clear();
  }

  /**
   * Forgets the peer's SFU objects. Where its primary node survived, its objects there (and on
   * other surviving nodes) are closed and its producers announced closed.
   */
  private async resetPeer(peer: LocalSfuPeer, lost: string, reason: SfuTransportsResetEvent['reason']): Promise<void> {
    const { local, store, notify, placement } = this.deps;
    const nodes = nodesOfPeer(peer).filter((n) => n !== lost);
    const producers = [...peer.producers.keys()];
    const plain = [...peer.transports.values()].filter((t) => t.plain);
    local.reset(peer);
    if (peer.nodeId !== lost) {
      for (const producerId of producers) {
        await store.removeProducer(peer.meetingId, producerId).catch(() => undefined);
        notify.producerClosed({ meetingId: peer.meetingId, producerId, peerId: peer.peerId }, peer.socketId);
      }
    }
    for (const nodeId of nodes) {
      const node = placement.node(nodeId);
      if (!node.reachable) continue;
      await node.tryCall('closePeer', { meetingId: peer.meetingId, peerId: peer.peerId });
      for (const t of plain) if (t.ref.node.id === nodeId) await t.ref.close();
    }
    this.sendReset(peer, reason);
  }

  private sendReset(peer: LocalSfuPeer, reason: SfuTransportsResetEvent['reason']): void {
    this.deps.notify.transportsReset(peer.socketId, { meetingId: peer.meetingId, reason });
    this.deps.onReset?.(reason);
  }
}
