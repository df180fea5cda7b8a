import { timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import {
  MEDIA_NOTIFICATION_EVENT,
  MEDIA_RPC_EVENT,
  MEDIA_RPC_PATH,
  type MediaNotification,
  type MediaRpcAck,
} from '@parley/protocol/internal';
import { Server } from 'socket.io';
import type { Logger } from '../logger.js';

export interface RpcServerOptions {
  httpServer: HttpServer;
  secret: string;
  logger: Logger;
  dispatch: (payload: unknown) => Promise<MediaRpcAck>;
}

export interface RpcServer {
  notify(notification: MediaNotification): void;
  connections(): number;
  /** Disconnects every server and closes the http server. */
  close(): Promise<void>;
}

/** Constant-time comparison of a presented secret with MEDIA_SECRET. */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Socket.io server the signalling servers connect to (path /media-rpc, auth
 * `{secret: MEDIA_SECRET}`). Requests: `emit('rpc', {method, params}, ack)`. A request that
 * carries an `Origin` header comes from a browser (signalling servers never send one): it is
 * refused before the handshake, on both transports, so no web page can drive a media node.
 */
export function createRpcServer({ httpServer, secret, logger, dispatch }: RpcServerOptions): RpcServer {
  const io = new Server(httpServer, {
    path: MEDIA_RPC_PATH,
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
    allowRequest: (req, callback) => {
      if (req.headers.origin === undefined) return callback(null, true);
      logger.warn(
        { origin: req.headers.origin, address: req.socket.remoteAddress },
        'media rpc refused: browser origin',
      );
      callback('browser requests are refused', false);
    },
  });

  io.use((socket, next) => {
    if (sameSecret(socket.handshake.auth?.secret, secret)) return next();
    logger.warn({ address: socket.handshake.address }, 'media rpc connection refused: bad secret');
    next(new Error('unauthorized'));
  });

  io.on('connection', (socket) => {
    logger.info({ socketId: socket.id, address: socket.handshake.address }, 'signalling server connected');
    socket.on(MEDIA_RPC_EVENT, (...args: unknown[]) => {
      const last = args[args.length - 1];
      if (typeof last !== 'function') return; // nobody to answer
      const ack = last as (response: MediaRpcAck) => void;
      const payload = args.length > 1 ? args[0] : undefined;
      void dispatch(payload).then((response) => ack(response));
    });
    socket.on('disconnect', (reason) => logger.info({ socketId: socket.id, reason }, 'signalling server disconnected'));
  });

  return {
    notify(notification) {
      io.emit(MEDIA_NOTIFICATION_EVENT, notification);
    },
    connections: () => io.engine.clientsCount,
    close: () =>
      new Promise<void>((resolve) => {
        void io.close(() => resolve());
      }),
  };
}
