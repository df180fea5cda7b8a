import { timingSafeEqual } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import {
  MEDIA_NOTIFICATION_EVENT,
  MEDIA_RPC_EVENT,
  MEDIA_RPC_PATH,
  type MediaNotification,
  type MediaRpcAck,
} from '@parley/protocol';
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

function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The Socket.io server the signalling servers connect to (path /media-rpc, auth
 * `{secret: MEDIA_SECRET}`). Requests: `emit('rpc', {method, params}, ack)`.
 */
export function createRpcServer({ httpServer, secret, logger, dispatch }: RpcServerOptions): RpcServer {
  const io = new Server(httpServer, {
    path: MEDIA_RPC_PATH,
    serveClient: false,
    maxHttpBufferSize: 1_000_000,
  });

  io.use((socket, next) => {
    if (sameSecret(socket.handshake.auth?.secret, secret)) return next();
    logger.warn({ address: socket.handshake.address }, 'media rpc connection refused: bad secret');
    next(new Error('unauthorized'));
  });

  io.on('connection', (socket) => {
    logger.info({ socketId: socket.id, address: socket.handshake.address }, 'signalling server connected');
    socket.on(MEDIA_RPC_EVENT, (...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function') return; // nobody to answer
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
        io.close(() => resolve());
      }),
  };
}
