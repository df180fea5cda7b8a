import { AppError } from '../../appError.js';
import type { Logger } from '../../logger.js';
import type { LocalSfuPeer } from '../LocalSfuPeers.js';
import { MediaNodeRef } from '../media/MediaNodeRef.js';
import type { MediaNodes } from '../media/MediaNodes.js';
import { MeetingMedia } from '../media/MeetingMedia.js';
import type { NodePipes } from '../NodePipes.js';
import type { SfuStore } from '../SfuStore.js';
import type { Placement } from './Placement.js';

export interface MeetingPlacementDeps {
  nodes: MediaNodes;
  /** Where the meeting is placed, shared by every instance (one compare-and-set decides). */
  store: Pick<SfuStore, 'getNode' | 'placeNode'>;
  /** The strategy asked when a meeting has no usable node. */
  strategy: Placement;
  /** The meeting across nodes: the nodes it has routers on, where recv transports go. */
  pipes: Pick<NodePipes, 'addNode' | 'recvNode'>;
  logger: Logger;
}

/**
 * Where a meeting's media lives, decided when the meeting enters the SFU on this instance (and
 * again when its node is lost or drains) and kept with its MeetingMedia: a request of a placed
 * meeting reads no placement from the shared store while its node is reachable and not draining.
 */
export class MeetingPlacement {
  private readonly meetings = new Map<string, MeetingMedia>();

  constructor(private readonly deps: MeetingPlacementDeps) {}

  /** The strategy (NodeDrain asks it where a meeting leaving a draining node goes). */
  get strategy(): Placement {
    return this.deps.strategy;
  }

  /** A media node by id. */
  node(nodeId: string): MediaNodeRef {
    return new MediaNodeRef(nodeId, this.deps.nodes);
  }

  /**
   * The meeting's media: the one this instance keeps while usable, else (or when `fresh`) the
   * shared placement, the meeting being placed now when it has none or its node is gone.
   */
  async media(meetingId: string, fresh = false): Promise<MeetingMedia> {
    const kept = this.meetings.get(meetingId);
    if (!fresh && kept?.usable) return kept;
    return this.placedOn(meetingId, await this.place(meetingId));
  }

  /** The meeting this instance keeps, if any (no store read). */
  kept(meetingId: string): MeetingMedia | undefined {
    return this.meetings.get(meetingId);
  }

  /** Whether the shared store has a node for the meeting (a read: only for mesh-mode requests). */
  async isPlaced(meetingId: string): Promise<boolean> {
    return (await this.deps.store.getNode(meetingId)) !== null;
  }

  /** Records that the meeting is on `nodeId` (placed here, or moved by NodeDrain). */
  placedOn(meetingId: string, nodeId: string): MeetingMedia {
    const kept = this.meetings.get(meetingId);
    if (kept) {
      kept.moveTo(this.node(nodeId));
      return kept;
    }
    const media = new MeetingMedia(meetingId, this.node(nodeId));
    this.meetings.set(meetingId, media);
    return media;
  }

  /** Forgets the meeting's media here (it ended, its node was lost, no local peer is left). */
  forget(meetingId: string): void {
    const media = this.meetings.get(meetingId);
    this.meetings.delete(meetingId);
    media?.close();
  }

  /**
   * Where a new transport of the peer goes: a send one on its primary node, a recv one where
   * NodePipes places it (another node once the primary is full).
   */
  async transportNode(peer: LocalSfuPeer, direction: 'send' | 'recv'): Promise<MediaNodeRef> {
    if (direction === 'send') return this.node(peer.nodeId);
    return this.node(await this.deps.pipes.recvNode(peer.meetingId, peer.nodeId));
  }

  /** The shared placement: the current node while reachable, else the strategy's choice (compare-and-set). */
  private async place(meetingId: string): Promise<string> {
    const { store, strategy, nodes, pipes, logger } = this.deps;
    const current = await store.getNode(meetingId);
    if (current && this.node(current).reachable) return current;
    const best = strategy.chooseNode(nodes.nodes());
    if (!best) throw new AppError('unavailable', 'no media node is available');
    const nodeId = await store.placeNode(meetingId, best.id, current ?? undefined);
    if (!this.node(nodeId).reachable) throw new AppError('unavailable', 'the meeting media node is not reachable');
    if (nodeId !== current) await pipes.addNode(meetingId, nodeId);
    if (nodeId === best.id && nodeId !== current)
      logger.info({ meetingId, nodeId, strategy: strategy.name }, 'sfu meeting placed');
    return nodeId;
  }
}
