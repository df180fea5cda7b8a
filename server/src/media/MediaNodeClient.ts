import { EventEmitter } from 'node:events';
import { type ErrorCode } from '@parley/protocol';
import {
  MEDIA_NOTIFICATION_EVENT,
  MEDIA_RPC_EVENT,
  MEDIA_RPC_PATH,
  MediaNotification,
  MediaRpcMethods,
  type MediaRpcAck,
  type MediaRpcMethod,
  type MediaRpcParams,
  type MediaRpcResult,
} from '@parley/protocol/internal';
import type { Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';

/** A failed media RPC: the node's error code, or `unavailable` when it could not be reached. */
export class MediaRpcError extends Error {
  override readonly name = 'MediaRpcError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface MediaNodeClientOptions {
  /** The node's RPC URL (its origin is used; the path is always /media-rpc). */
  url: string;
  secret: string;
  logger: Logger;
  /** Per request, default 10 s. */
  requestTimeoutMs?: number;
}

export interface MediaNodeClientEvents {
  connect: [];
  disconnect: [reason: string];
  notification: [MediaNotification];
}

/** Retry delay after the node refused the handshake (socket.io does not retry that itself). */
const REFUSED_RETRY_MS = 5_000;

/**
 * One Socket.io connection to one media node. Reconnects on its own; requests made while it is
 * disconnected fail at once with `unavailable` (they are not queued, so nothing runs late on the
 * node after the caller gave up).
 */
export class MediaNodeClient extends EventEmitter<MediaNodeClientEvents> {
  readonly url: string;
  private readonly socket: Socket;
  private readonly logger: Logger;
  private readonly timeoutMs: number;
  private refusedTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: MediaNodeClientOptions) {
    super();
    this.url = new URL(options.url).origin;
    this.logger = options.logger.child({ mediaNode: this.url });
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.socket = io(this.url, {
      path: MEDIA_RPC_PATH,
      auth: { secret: options.secret },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('connect', () => {
      this.logger.info('media node connected');
      this.emit('connect');
    });
    this.socket.on('disconnect', (reason) => {
      this.logger.warn({ reason }, 'media node disconnected');
      this.emit('disconnect', reason);
    });
    this.socket.on('connect_error', (error) => {
      if (this.socket.active) return; // a network error: socket.io retries by itself
      // Refused by the node (bad MEDIA_SECRET): try again later, the node may be reconfigured.
      this.logger.error({ err: error.message }, 'media node refused the connection');
      clearTimeout(this.refusedTimer);
      this.refusedTimer = setTimeout(() => {
        if (!this.closed) this.socket.connect();
      }, REFUSED_RETRY_MS);
      this.refusedTimer.unref();
    });
    this.socket.on(MEDIA_NOTIFICATION_EVENT, (payload: unknown) => {
      const parsed = MediaNotification.safeParse(payload);
      if (parsed.success) this.emit('notification', parsed.data);
      else this.logger.warn('unknown notification from media node');
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /**
   * Calls one RPC method. Resolves with the validated result; rejects with MediaRpcError
   * (`unavailable` when not connected or on timeout, otherwise the node's error code).
   */
  async request<M extends MediaRpcMethod>(
    method: M,
    params: MediaRpcParams<M>,
    options: { timeoutMs?: number } = {},
  ): Promise<MediaRpcResult<M>> {
    if (!this.socket.connected) throw new MediaRpcError('unavailable', `media node ${this.url} is not connected`);
    let ack: MediaRpcAck;
    try {
      ack = (await this.socket
        .timeout(options.timeoutMs ?? this.timeoutMs)
        .emitWithAck(MEDIA_RPC_EVENT, { method, params })) as MediaRpcAck;
    } catch {
      throw new MediaRpcError('unavailable', `media node ${this.url} did not answer ${method} in time`);
    }
    if (!ack || typeof ack !== 'object' || !('ok' in ack)) {
      throw new MediaRpcError('internal', `media node ${this.url} sent a malformed answer to ${method}`);
    }
    if (!ack.ok) throw new MediaRpcError(ack.error.code, ack.error.message, ack.error.field);
    const result = MediaRpcMethods[method].result.safeParse(ack.result);
    if (!result.success) {
      throw new MediaRpcError(
        'internal',
        `media node ${this.url} sent an invalid ${method} result: ${result.error.issues[0]?.message}`,
      );
    }
    return result.data as MediaRpcResult<M>;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.refusedTimer);
    this.socket.removeAllListeners();
    this.socket.disconnect();
    this.removeAllListeners();
  }
}
