import type { NodeLoad } from '../../media/placement/leastLoadedNode.js';

/**
 * A strategy that picks the media node for a meeting entering the SFU (or leaving a lost or
 * draining node), among the nodes known now. MeetingPlacement asks it only when the meeting has
 * no usable node; every instance must pick the same node for the same loads (ties broken by id).
 */
export interface Placement {
  /** A short name for logs. */
  readonly name: string;
  /** The chosen node; null when none can take a meeting (none connected, or all draining). */
  chooseNode<N extends NodeLoad>(nodes: readonly N[]): N | null;
}
