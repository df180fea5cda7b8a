import { leastLoadedNode, type NodeLoad } from '../../media/placement/leastLoadedNode.js';
import type { Placement } from './Placement.js';

/** The default Placement: the node whose lightest worker does the least media work (leastLoadedNode). */
export class LeastLoadedPlacement implements Placement {
  readonly name = 'least-loaded';

  chooseNode<N extends NodeLoad>(nodes: readonly N[]): N | null {
    return leastLoadedNode(nodes);
  }
}
