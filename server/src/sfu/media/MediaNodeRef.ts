import type { MediaRpcMethod, MediaRpcParams, MediaRpcResult } from '@parley/protocol/internal';
import { AppError } from '../../appError.js';
import { MediaRpcError } from '../../media/MediaNodeClient.js';
import type { MediaNodes } from './MediaNodes.js';

/**
 * One media node as the SFU domain reaches it: its client looked up when used (it reconnects),
 * and the one place where the node's errors become the client's (AppError): a node's
 * `not_found` or `bad_request` keeps its code, `internal` and an unreachable node are `unavailable`.
 */
export class MediaNodeRef {
  constructor(
    readonly id: string,
    private readonly nodes: MediaNodes,
  ) {}

  /** Whether its client is connected now. */
  get reachable(): boolean {
    return this.nodes.client(this.id)?.connected === true;
  }

  /** Whether the node is draining (it takes nothing new). */
  get draining(): boolean {
    return this.nodes.nodes().find((n) => n.id === this.id)?.draining === true;
  }

  /** One RPC; fails with an AppError. */
  async call<M extends MediaRpcMethod>(
    method: M,
    params: MediaRpcParams<M>,
    options?: { timeoutMs?: number },
  ): Promise<MediaRpcResult<M>> {
    const client = this.nodes.client(this.id);
    if (!client?.connected) throw new AppError('unavailable', 'a media node of the meeting is not reachable');
    try {
      return await client.request(method, params, options);
    } catch (error) {
      throw MediaNodeRef.appError(error);
    }
  }

  /** A clean-up RPC: nothing happens when the node is not reachable, and its failure is ignored. */
  async tryCall<M extends MediaRpcMethod>(method: M, params: MediaRpcParams<M>): Promise<void> {
    const client = this.nodes.client(this.id);
    if (client?.connected) await client.request(method, params).catch(() => undefined);
  }

  /** A media node's error as the client gets it (other errors unchanged). */
  static appError(error: unknown): unknown {
    if (!(error instanceof MediaRpcError)) return error;
    return new AppError(error.code === 'internal' ? 'unavailable' : error.code, error.message);
  }
}
