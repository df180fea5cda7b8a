import type { SfuMigrated } from '@parley/protocol';
import { nodesOfPeer, rebase, type LocalSfuPeer } from './LocalSfuPeers.js';
import type { RemoteObjectRef } from './media/RemoteObjectRef.js';
import type { SfuNodeEventDeps } from './SfuNodeEventDeps.js';

export interface NodeDrainDeps extends SfuNodeEventDeps {
  /**
   * After a peer's `sfu:migrated`, its objects on the draining node close this much later: the
   * others meanwhile switch to its new producers (they got `sfu:new_producer`). Default 1 s.
   */
  overlapMs?: number;
  /**
   * Longest a peer's `sfu:migrated` is held unanswered while other peers of its meeting (on this
   * instance) have not sent theirs: they may still show its old producers. Default 4 s.
   */
  othersWaitMs?: number;
  /** How often the meetings on draining nodes are looked at (besides each `nodeDraining`). Default 1 s. */
  checkMs?: number;
  /** A peer was sent `sfu:migrate` / finished its move (metrics). */
  onMigrate?: (stage: 'started' | 'finished') => void;
}

interface Move {
  peer: LocalSfuPeer;
  /** The draining nodes it had objects on. */
  from: string[];
  startedAt: number;
  closing: boolean;
}

/**
 * Meetings leave a draining media node make-before-break (docs/sfu.md "Drain"). Each instance
 * handles its own SFU peers: the meeting is placed on the least-loaded other node (one
 * compare-and-set in SfuStore, so every instance agrees), each local peer is rebased (what it
 * holds stays on the old node, what it creates next goes to the new one) and sent `sfu:migrate`.
 * The client builds new transports, produces and consumes there (producers still on the old node
 * are piped over by NodePipes) while the old ones keep flowing, then sends `sfu:migrated`; its
 * objects on the draining node close `overlapMs` later. With no other node, meetings stay where
 * they are until they end (the node exits when it is empty, or at MEDIA_DRAIN_MAX_MS).
 */
export class NodeDrain {
  private readonly moves = new Map<string, Move>();
  /** Meetings already logged as having nowhere to go. */
  private readonly stuck = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: NodeDrainDeps) {}

  start(): void {
    this.timer = setInterval(() => this.nodeDraining(), this.deps.checkMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A node started draining (or the periodic look): move what this instance holds there. */
  nodeDraining(): void {
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = this.check()
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'sfu drain: moving meetings failed'))
      .finally(() => {
        this.checking = null;
        if (this.again) {
          this.again = false;
          this.nodeDraining();
        }
      });
  }

  /**
   * The peer switched to its new transports (`sfu:migrated`). The answer waits until every other
   * moving peer of the meeting switched too (or `othersWaitMs`): until then they may still show
   * this peer's old producers, which the client keeps sending until the answer. Its old objects
   * close `overlapMs` after the answer.
   */
  async migrated(socketId: string, { meetingId }: SfuMigrated): Promise<{ closing: number }> {
    const { peer } = await this.deps.service.peer(socketId, meetingId);
    const move = this.moves.get(peer.peerId);
    if (!move || move.peer !== peer || move.closing) return { closing: 0 };
    move.closing = true;
    await this.othersSwitched(move);
    const timer = setTimeout(() => {
      void this.closeOld(move).catch((error: unknown) =>
        this.deps.logger.warn({ err: error, meetingId, peerId: peer.peerId }, 'sfu drain: closing old objects failed'),
      );
    }, this.deps.overlapMs ?? 1_000);
    timer.unref();
    return { closing: move.from.length };
  }

  /** Resolves once no other local peer of the meeting is still moving, or after `othersWaitMs`. */
  private async othersSwitched(move: Move): Promise<void> {
    const { meetingId, peerId } = move.peer;
    const deadline = Date.now() + (this.deps.othersWaitMs ?? 4_000);
    const moving = () =>
      [...this.moves.values()].some(
        (other) =>
          other.peer.peerId !== peerId &&
          other.peer.meetingId === meetingId &&
          !other.closing &&
          this.deps.local.get(other.peer.peerId) === other.peer,
      );
    while (moving() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** A draining node went away: the pipes of the meetings that left it are forgotten. */
  async nodeLost(nodeId: string): Promise<void> {
    const meetingIds = new Set(this.deps.local.all().map((p) => p.meetingId));
    for (const meetingId of meetingIds) {
      if ((await this.deps.pipes.nodes(meetingId)).includes(nodeId))
        await this.deps.pipes.forgetNode(meetingId, nodeId).catch(() => undefined);
    }
  }

  private async check(): Promise<void> {
    const { media, local, store, pipes, logger, notify, placement } = this.deps;
    for (const [peerId, move] of this.moves) if (local.get(peerId) !== move.peer) this.moves.delete(peerId);
    const draining = new Set(
      media
        .nodes()
        .filter((n) => n.draining)
        .map((n) => n.id),
    );
    if (draining.size === 0) return;
    const meetingIds = new Set(
      local
        .all()
        .filter((p) => nodesOfPeer(p).some((n) => draining.has(n)))
        .map((p) => p.meetingId),
    );
    for (const meetingId of meetingIds) {
      let primary = await store.getNode(meetingId);
      if (!primary) continue;
      if (draining.has(primary)) {
        const target = placement.strategy.chooseNode(media.nodes());
        if (!target) {
          if (!this.stuck.has(meetingId))
            logger.warn(
              { meetingId, nodeId: primary },
              'sfu drain: no other media node; the meeting stays until it ends',
            );
          this.stuck.add(meetingId);
          continue;
        }
        const from = primary;
        primary = await store.placeNode(meetingId, target.id, from);
        if (draining.has(primary)) continue;
        await pipes.addNode(meetingId, primary);
        if (primary === target.id)
          logger.info({ meetingId, from, to: primary }, 'sfu meeting moving off a draining node');
      }
      this.stuck.delete(meetingId);
      // What this instance's peers create next goes to the new primary without asking the store.
      placement.placedOn(meetingId, primary);
      for (const peer of local.ofMeeting(meetingId)) {
        const from = nodesOfPeer(peer).filter((n) => draining.has(n));
        if (from.length === 0 || this.moves.get(peer.peerId)?.peer === peer) continue;
        if (draining.has(peer.nodeId)) rebase(peer, primary);
        this.moves.set(peer.peerId, { peer, from, startedAt: Date.now(), closing: false });
        notify.migrate(peer.socketId, { meetingId, reason: 'node_draining' });
        this.deps.onMigrate?.('started');
      }
    }
  }

  /**
   * Closes what the peer still has on the nodes it left: forgotten here first (so the node's
   * notifications announce nothing twice), its producers there announced closed, then closed on
   * the node (closePeer; plain transports one by one, closePeer does not know them).
   */
  private async closeOld(move: Move): Promise<void> {
    const { local, store, notify, placement, logger } = this.deps;
    const { peer } = move;
    if (local.get(peer.peerId) !== peer) return;
    const { meetingId } = peer;
    const on = (ref: RemoteObjectRef) => move.from.includes(ref.node.id);
    const producers = [...peer.producers.values()].filter((p) => on(p.ref)).map((p) => p.ref);
    const transports = [...peer.transports.values()].filter((t) => on(t.ref));
    const plain = transports.filter((t) => t.plain);
    // Closed by the node's closePeer below: their refs raise `close` now, and the record drops them.
    // Plain ones are also closed one by one (closePeer does not know them).
    for (const t of transports) t.ref.markClosed();
    for (const c of [...peer.consumers.values()]) if (on(c.ref)) c.ref.markClosed();
    for (const producer of producers) {
      const producerId = producer.id;
      producer.markClosed();
      await store.removeProducer(meetingId, producerId).catch(() => undefined);
      notify.producerClosed({ meetingId, producerId, peerId: peer.peerId }, peer.socketId);
    }
    for (const nodeId of move.from) {
      const node = placement.node(nodeId);
      if (!node.reachable) continue;
      for (const t of plain) if (t.ref.node.id === nodeId) await t.ref.close();
      await node.tryCall('closePeer', { meetingId, peerId: peer.peerId });
    }
    this.moves.delete(peer.peerId);
    this.deps.onMigrate?.('finished');
    logger.info(
      { meetingId, peerId: peer.peerId, ms: Date.now() - move.startedAt },
      'sfu peer moved off a draining node',
    );
  }
}
