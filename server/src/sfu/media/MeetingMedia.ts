import { EventEmitter } from 'node:events';
import type { MediaNodeRef } from './MediaNodeRef.js';

/** What happens to a meeting's media on this instance (MeetingPlacement raises these). */
export interface MeetingMediaEvents {
  /** The meeting was placed on another node (its node was lost, or it drains). */
  moved: [from: string, to: string];
  /** This instance forgot the meeting's media (it ended, its node was lost, its last local peer left). */
  closed: [];
}

/**
 * A meeting's media as this instance knows it: the node its router (and the primary router of
 * its other nodes' pipes) lives on, decided once by MeetingPlacement and kept here, so that a
 * request of a placed meeting does not look the placement up again.
 */
export class MeetingMedia extends EventEmitter<MeetingMediaEvents> {
  constructor(
    readonly meetingId: string,
    private node: MediaNodeRef,
  ) {
    super();
  }

  /** The meeting's primary node (send transports, producers; recv transports unless NodePipes spreads them). */
  get primary(): MediaNodeRef {
    return this.node;
  }

  /** Usable without asking the shared store again: reachable and not draining. */
  get usable(): boolean {
    return this.node.reachable && !this.node.draining;
  }

  moveTo(node: MediaNodeRef): void {
    const from = this.node.id;
    if (from === node.id) return;
    this.node = node;
    this.emit('moved', from, node.id);
  }

  close(): void {
    this.emit('closed');
    this.removeAllListeners();
  }
}
