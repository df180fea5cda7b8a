import type { MediaRpcMethod, MediaRpcParams, MediaRpcResult } from '@parley/protocol/internal';
import type { NodeLoad } from '../../media/placement/leastLoadedNode.js';

/** What the SFU domain needs of one media node's client (MediaNodeClient; a fake in unit tests). */
export interface MediaRpc {
  readonly connected: boolean;
  request<M extends MediaRpcMethod>(
    method: M,
    params: MediaRpcParams<M>,
    options?: { timeoutMs?: number },
  ): Promise<MediaRpcResult<M>>;
}

/** The media nodes as the SFU domain sees them: a node's client by id, and every node's load (MediaCluster). */
export interface MediaNodes {
  client(nodeId: string): MediaRpc | undefined;
  nodes(): NodeLoad[];
}
