import type { Server as HttpServer } from 'node:http';
import { ServerEvents } from '@parley/protocol';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { readBearer, readSessionCookie } from '../auth/sessionCookie.js';
import type { Config } from '../config/serverConfig.js';
import type { AppContext } from '../context.js';
import type { Logger } from '../logger.js';
import { closeRedis, connectRedis, watchRedis, type Redis } from '../store/redis.js';
import { EventGuard } from './eventGuard.js';
import { eventGuardMetrics } from './eventGuardMetrics.js';
import { setEventGuard, setEventLogger } from './onEvent.js';
import { registerHandlers } from './registerHandlers.js';
import { cutRevokedSessions, watchSession } from './sessionSockets.js';
import { userRoom, type ClientRooms } from '../clientRooms.js';
import type { ParleyServer, ParleySocket } from './types.js';

/** Largest accepted Socket.io message; bigger ones close that client's connection only. */
export const MAX_SOCKET_MESSAGE_BYTES = 1_000_000;

export interface RealtimeServer {
  io: ParleyServer;
  /** Closes the sockets, then the adapter's Redis connections. */
  close(): Promise<void>;
}

/**
 * The Socket.io server as domain services see it (clientRooms.ts). The compiler cannot match
 * Socket.io's emit (its parameters rebuilt per event to decorate acks) to `RoomEmit`'s generic
 * one, although both take their events and payloads from the same `ServerEventContract`.
 */
export const clientRoomsOf = (io: ParleyServer): ClientRooms => io as unknown as ClientRooms;

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
    tellClientsAboutGaps(io, adapterClients, logger);
  }
  return {
    io,
    async close() {
      // This instance's sockets only: with the Redis adapter, io.disconnectSockets() would cut
      // every socket of every instance.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
      await Promise.all(adapterClients.map((c) => closeRedis(c)));
    },
  };
}

/**
 * While an adapter connection to Redis is down, broadcasts between instances are lost; once it
 * is back, this instance's clients are told to catch up (`resync`), as they do after their own
 * reconnection. A Redis that only hangs loses nothing (ioredis keeps the commands): no resync.
 */
function tellClientsAboutGaps(io: ParleyServer, clients: Redis[], logger: Logger): void {
  let lost = false;
  for (const client of clients) {
    client.on('close', () => {
      lost = true;
    });
    client.on('ready', () => {
      if (!lost || clients.some((c) => c.status !== 'ready')) return;
      lost = false;
      logger.info('redis adapter connections back: clients told to catch up');
      io.local.emit(ServerEvents.resync, { reason: 'delivery_gap' });
    });
  }
}

/** The token of a handshake and whether it came from the session cookie (the only ambient one). */
function handshakeToken(socket: ParleySocket): { token: string | null; fromCookie: boolean } {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token.length > 0) return { token: auth.token, fromCookie: false };
  const headers = socket.handshake.headers;
  const bearer = readBearer(headers.authorization);
  if (bearer) return { token: bearer, fromCookie: false };
  return { token: readSessionCookie(headers.cookie), fromCookie: true };
}

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/**
 * Authenticates every handshake (`auth.token`, a Bearer header or the session cookie) into
 * `socket.data.user` and `socket.data.session`, refusing others with connect_error
 * `unauthorized`. A handshake that relies on the cookie must come from an allowed page origin
 * (PUBLIC_ORIGIN, or the requested Host): others get connect_error `forbidden`, on the
 * websocket and the polling transport alike. Joins each socket to `user:<id>` and
 * `session:<id>`, cuts it when its session expires or is revoked, and registers the handlers.
 */
export function setupRealtime(app: AppContext): void {
  const { io, logger } = app;
  setEventLogger(io, logger);
  setEventGuard(
    io,
    new EventGuard(
      app.redis,
      app.config.redisPrefix,
      app.config.limits,
      logger.child({ component: 'event-limits' }),
      eventGuardMetrics(app.metrics),
    ),
  );
  cutRevokedSessions(app);

  io.use((socket, next) => {
    const { token, fromCookie } = handshakeToken(socket);
    if (fromCookie && token) {
      const headers = socket.handshake.headers;
      const verdict = app.originPolicy.check({
        origin: header(headers.origin),
        host: header(headers.host),
        secFetchSite: header(headers['sec-fetch-site']),
      });
      if (!verdict.ok) {
        logger.warn({ origin: headers.origin, reason: verdict.reason }, 'cross-origin socket handshake refused');
        return next(new Error('forbidden'));
      }
    }
    app.auth
      .authenticate(token)
      .then((authenticated) => {
        if (!authenticated) return next(new Error('unauthorized'));
        socket.data.user = authenticated.user;
        socket.data.session = { id: authenticated.sessionId, expiresAt: authenticated.expiresAt };
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
    watchSession(socket, app);
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
