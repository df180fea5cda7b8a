import type { MediaRpcMethod, MediaRpcParams, MediaRpcResult } from '@parley/protocol/internal';
import { AppError } from '../appError.js';
import { MediaRpcError, type MediaNodeClient } from '../media/MediaNodeClient.js';
import { leastLoadedNode } from '../media/placement/leastLoadedNode.js';
import type { LocalSfuPeer } from './LocalSfuPeers.js';
import type { SfuServiceDeps } from './SfuServiceDeps.js';

/**
 * The SFU's way to the media nodes: a node's client (or `unavailable`), the meeting's node
 * (placed on the least-loaded node when it has none), and one RPC with the node's error codes
 * kept for the client.
 */
export class SfuNodeAccess {
  constructor(private readonly deps: Pick<SfuServiceDeps, 'media' | 'store' | 'pipes' | 'logger'>) {}

  clientOf(nodeId: string): MediaNodeClient {
    const client = this.deps.media.client(nodeId);
    if (!client?.connected) throw new AppError('unavailable', 'a media node of the meeting is not reachable');
    return client;
  }

  /** The meeting's media node; a meeting not yet placed (or whose node is gone) is placed now. */
  async nodeFor(meetingId: string): Promise<{ nodeId: string; client: MediaNodeClient }> {
    const { store, media } = this.deps;
    const current = await store.getNode(meetingId);
    if (current) {
      const client = media.client(current);
      if (client?.connected) return { nodeId: current, client };
    }
    const best = leastLoadedNode(media.nodes());
    if (!best) throw new AppError('unavailable', 'no media node is available');
    const nodeId = await store.placeNode(meetingId, best.id, current ?? undefined);
    const client = media.client(nodeId);
    if (!client?.connected) throw new AppError('unavailable', 'the meeting media node is not reachable');
    if (nodeId !== current) await this.deps.pipes.addNode(meetingId, nodeId);
    if (nodeId === best.id && nodeId !== current) this.deps.logger.info({ meetingId, nodeId }, 'sfu meeting placed');
    return { nodeId, client };
  }

  /** One RPC; node errors keep their code (a node's not_found or bad_request reaches the client). */
  async call<M extends MediaRpcMethod>(
    client: MediaNodeClient,
    method: M,
    params: MediaRpcParams<M>,
  ): Promise<MediaRpcResult<M>> {
    try {
      return await client.request(method, params);
    } catch (error) {
      if (error instanceof MediaRpcError) {
        const code = error.code === 'internal' ? 'unavailable' : error.code;
        throw new AppError(code, error.message);
      }
      throw error;
    }
  }

  /**
   * Where a new transport of the peer goes: a send one on the meeting's primary node, a recv one
   * where NodePipes places it (another node once the primary is full).
   */
  async transportNode(
    peer: LocalSfuPeer,
    direction: 'send' | 'recv',
    primary: MediaNodeClient,
  ): Promise<{ nodeId: string; client: MediaNodeClient }> {
    if (direction === 'send') return { nodeId: peer.nodeId, client: primary };
    const nodeId = await this.deps.pipes.recvNode(peer.meetingId, peer.nodeId);
    return { nodeId, client: nodeId === peer.nodeId ? primary : this.clientOf(nodeId) };
  }
}
