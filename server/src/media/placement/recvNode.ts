import { leastLoadedNode, type NodeLoad } from './leastLoadedNode.js';

/** Consumers on a node (every worker, every meeting). */
export const nodeConsumers = (node: NodeLoad): number => node.workers.reduce((n, w) => n + w.consumers, 0);

export interface RecvPlacementInput<N extends NodeLoad> {
  /** The meeting's primary node (its send transports and producers are there). */
  primary: string;
  /** Other nodes the meeting already has routers on (pipes exist or may). */
  meetingNodes: readonly string[];
  /** Every known node with fresh load. */
  nodes: readonly N[];
  /** SFU_NODE_CONSUMER_BUDGET; 0 = off (everything on the primary node). */
  budget: number;
}

/**
 * Which node gets a new recv transport of a meeting. A node is full once its consumers reach
 * the budget. In order: the primary node while it is not full; else the meeting's other node
 * with the fewest consumers that is not full (its pipes are reused); else the least-loaded
 * connected node that is not full (a new pipe); else the primary anyway.
 */
export function recvTransportNode<N extends NodeLoad>({
  primary,
  meetingNodes,
  nodes,
  budget,
}: RecvPlacementInput<N>): string {
  if (budget <= 0) return primary;
  const live = nodes.filter((n) => n.connected && n.workers.length > 0 && !n.draining);
  const free = live.filter((n) => nodeConsumers(n) < budget);
  const byId = new Map(free.map((n) => [n.id, n]));
  if (byId.has(primary)) return primary;
  const used = meetingNodes
    .map((id) => byId.get(id))
    .filter((n): n is N => n !== undefined)
    .sort((a, b) => nodeConsumers(a) - nodeConsumers(b) || (a.id < b.id ? -1 : 1));
  if (used[0]) return used[0].id;
  return leastLoadedNode(free)?.id ?? primary;
}
