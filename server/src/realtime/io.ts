import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { readBearer, readSessionCookie } from '../auth/sessionCookie.js';
import type { Config } from '../config.js';
import type { AppContext } from '../context.js';
import type { Logger } from '../logger.js';
import { closeRedis, connectRedis, watchRedis, type Redis } from '../store/redis.js';
import { setEventLogger } from './onEvent.js';
import { registerHandlers } from './registerHandlers.js';
import { userRoom, type ParleyServer, type ParleySocket } from './types.js';

/** Largest accepted Socket.io message; bigger ones close that client's connection only. */
export const MAX_SOCKET_MESSAGE_BYTES = 1_000_000;

export interface RealtimeServer {
  io: ParleyServer;
  /** Closes the sockets, then the adapter's Redis connections. */
  close(): Promise<void>;
}

/**
 * Socket.io on the given http.Server (the one Koa serves), with the Redis adapter on two
 * duplicates of the main ioredis client when Redis is configured, so that rooms and
 * broadcasts span every instance.
 */
export async function createIoServer(
  httpServer: HttpServer,
  config: Pick<Config, 'redisPrefix'>,
  redis: Redis | null,
  logger: Logger,
): Promise<RealtimeServer> {
  const io: ParleyServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    serveClient: false,
  });
  let adapterClients: Redis[] = [];
  if (redis) {
    const pub = redis.duplicate();
    const sub = redis.duplicate();
    adapterClients = [pub, sub];
    watchRedis(pub, logger, 'socket.io-pub');
    watchRedis(sub, logger, 'socket.io-sub');
    await Promise.all(adapterClients.map((c) => connectRedis(c)));
    io.adapter(createAdapter(pub, sub, { key: `${config.redisPrefix}socket.io` }));
  }
  return {
    io,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await Promise.all(adapterClients.map((c) => closeRedis(c)));
    },
  };
}

function handshakeToken(socket: ParleySocket): string | null {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token.length > 0) return auth.token;
  const headers = socket.handshake.headers;
  return readBearer(headers.authorization) ?? readSessionCookie(headers.cookie);
}

/**
 * Authenticates every handshake (`auth.token`, a Bearer header or the session cookie) into
 * `socket.data.user`, refusing others with connect_error `unauthorized`; joins each socket to
 * `user:<id>` and registers the feature handlers.
 */
export function setupRealtime(app: AppContext): void {
  const { io, logger } = app;
  setEventLogger(io, logger);

  io.use((socket, next) => {
    app.auth
      .userFromToken(handshakeToken(socket))
      .then((user) => {
        if (!user) return next(new Error('unauthorized'));
        socket.data.user = user;
        next();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'socket handshake authentication failed');
        next(new Error('unavailable'));
      });
  });

  io.on('connection', (socket) => {
    const user = socket.data.user;
    app.instruments.connectedSockets.inc();
    void socket.join(userRoom(user.id));
    socket.on('disconnect', () => app.instruments.connectedSockets.dec());
    socket.on('error', (error) => logger.debug({ err: error, userId: user.id }, 'socket error'));
    try {
      registerHandlers(socket, app);
    } catch (error) {
      logger.error({ err: error, userId: user.id }, 'registering socket handlers failed');
      socket.disconnect(true);
    }
  });
}
