import { ServerEvents } from '@parley/protocol';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { AuthService } from './auth/AuthService.js';
import { HashGate } from './auth/hashGate.js';
import { createLoginRateLimiter, createRegisterRateLimiter } from './auth/loginRateLimit.js';
import { createOriginPolicy } from './auth/originPolicy.js';
import { createCreationLimits } from './limits/creationLimits.js';
import { TokenService } from './auth/tokens.js';
import type { Config } from './config/serverConfig.js';
import type { AppContext } from './context.js';
import { createChatServices } from './chat/createChatServices.js';
import { createHttpApp } from './http/createHttpApp.js';
import { createLogger, type Logger } from './logger.js';
import { createMediaCluster } from './media/MediaCluster.js';
import { chatDirectory } from './meetings/chatDirectory.js';
import { createMeetingServices } from './meetings/createMeetingServices.js';
import { meetingSettingsFrom, modeSettingsFrom } from './meetings/settings.js';
import { registerMediaMetrics } from './media/mediaMetrics.js';
import { createMetrics } from './metrics.js';
import type { InstanceDeps } from './instanceDeps.js';
import { createPresenceService } from './presence/createPresenceService.js';
import { createSfuServices } from './sfu/createSfuServices.js';
import { createRoomFeatures } from './room/createRoomFeatures.js';
import { stopListening } from './http/stopListening.js';
import { clientRoomsOf, createIoServer, setupRealtime } from './realtime/io.js';
import type { ParleyServer } from './realtime/types.js';
import { createDb, migrateLatest } from './store/db.js';
import { closeRedis, connectRedis, createRedis } from './store/redis.js';

export interface ParleyInstance {
  httpServer: HttpServer;
  io: ParleyServer;
  ctx: AppContext;
  /** e.g. http://127.0.0.1:3000 (a wildcard HOST is reported as 127.0.0.1). */
  url: string;
  /** Graceful stop: no new connections, sockets closed, then media, database and Redis. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Allowed time for open HTTP connections to finish before they are cut (default 5 s). */
  drainTimeoutMs?: number;
}

const newInstanceId = () => `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

function listen(server: HttpServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Runs `steps` in order, each even if an earlier one failed; logs failures. */
async function runAll(logger: Logger, steps: Array<[string, () => unknown]>): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error, step: name }, 'shutdown step failed');
    }
  }
}

/** How often expired session rows are deleted. */
const SESSION_SWEEP_MS = 3_600_000;

async function sweepSessions(ctx: AppContext): Promise<void> {
  try {
    const deleted = await ctx.auth.deleteExpiredSessions();
    if (deleted > 0) ctx.logger.info({ deleted }, 'expired sessions deleted');
  } catch (error) {
    ctx.logger.warn({ err: error }, 'deleting expired sessions failed');
  }
}

/** Settings that work but deserve a line in the log (docs/security.md). */
function warnAboutSecuritySettings(config: Config, logger: Logger): void {
  if (config.trustProxyDeprecatedTrue) {
    logger.warn(
      'TRUST_PROXY=true is read as TRUST_PROXY=1 (one reverse proxy in front); set the number of proxies explicitly',
    );
  }
  if (config.isProduction && config.publicOrigins.length === 0) {
    logger.warn(
      'PUBLIC_ORIGIN is not set: cookie-authenticated sockets and POSTs must come from a page of the requested Host; set PUBLIC_ORIGIN to your site (e.g. https://chat.example.org)',
    );
  }
}

/**
 * Starts one Parley signalling instance: database (migrated), Redis, media cluster, Koa and
 * Socket.io on one http.Server, listening on config.host:config.port.
 */
export async function startParley(config: Config, options: StartOptions = {}): Promise<ParleyInstance> {
  const instanceId = newInstanceId();
  const logger = options.logger ?? createLogger(config, { instance: instanceId });
  const cleanup: Array<[string, () => unknown]> = [];
  try {
    const db = createDb(config, logger);
    cleanup.unshift(['database', () => db.destroy()]);
    await migrateLatest(db, logger);

    const redis = createRedis(config, logger);
    if (redis) {
      cleanup.unshift(['redis', () => closeRedis(redis)]);
      await connectRedis(redis);
    }

    const { registry, instruments } = createMetrics();
    const media = createMediaCluster({
      redis,
      staticUrls: config.mediaNodeUrls,
      urlPatterns: config.mediaNodeUrlPatterns,
      secret: config.mediaSecret,
      redisPrefix: config.redisPrefix,
      logger: logger.child({ component: 'media' }),
      lostGraceMs: config.sfu.nodeLostGraceMs,
    });
    registerMediaMetrics(registry, media);
    cleanup.unshift(['media', () => media.stop()]);
    await media.start();

    // Koa is attached after Socket.io has been created (it needs the context that holds io),
    // through this indirection; Socket.io forwards every non-/socket.io request to it.
    let handle = (_req: IncomingMessage, res: ServerResponse) => {
      res.statusCode = 503;
      res.end();
    };
    const httpServer = createServer((req, res) => handle(req, res));
    const realtime = await createIoServer(httpServer, config, redis, logger);
    cleanup.unshift(['socket.io', () => realtime.close()]);

    const tokens = new TokenService(config.jwtSecret, config.jwtTtlSeconds);
    const limits = createCreationLimits(redis, config.redisPrefix, config.limits);
    const chat = createChatServices({
      db,
      redis,
      redisPrefix: config.redisPrefix,
      logger,
      io: clientRoomsOf(realtime.io),
      writeConcurrency: config.chatWriteConcurrency,
      limits,
      writeQueue: config.limits.chatWriteQueue,
      typingIntervalMs: config.limits.typingRelayIntervalMs,
    });
    cleanup.unshift(['chat', () => chat.close()]);
    const presence = createPresenceService({
      redis,
      redisPrefix: config.redisPrefix,
      instanceId,
      ttlMs: config.presenceTtlMs,
      offlineGraceMs: config.presenceOfflineGraceMs,
      logger,
      io: clientRoomsOf(realtime.io),
      contactIdsOf: (userId) => chat.contacts.contactIdsOf(userId),
    });
    const instance: InstanceDeps = {
      redis,
      redisPrefix: config.redisPrefix,
      io: clientRoomsOf(realtime.io),
      instanceId,
      logger,
      metrics: registry,
    };
    const ctx: AppContext = {
      config,
      db,
      redis,
      logger,
      metrics: registry,
      instruments,
      media,
      io: realtime.io,
      instanceId,
      tokens,
      auth: new AuthService(
        db,
        tokens,
        new HashGate({ concurrency: config.limits.hashConcurrency, queue: config.limits.hashQueue }),
      ),
      loginRateLimiter: createLoginRateLimiter(redis, config),
      registerRateLimiter: createRegisterRateLimiter(redis, config),
      originPolicy: createOriginPolicy(config.publicOrigins),
      chat,
      presence,
      meetings: createMeetingServices({
        ...instance,
        db,
        settings: { ...meetingSettingsFrom(config), mode: modeSettingsFrom(config) },
        directory: chatDirectory(() => ctx.chat),
        sfuAvailable: () => media.nodes().some((node) => node.connected && node.workers.length > 0),
        limits,
        activeMeetingsLimit: config.limits.activeMeetings,
      }),
      sfu: undefined as never,
      room: undefined as never,
    };
    ctx.room = createRoomFeatures({
      ...instance,
      meetings: ctx.meetings,
      directory: chatDirectory(() => ctx.chat),
      settings: config.room,
    });
    cleanup.unshift(['room', () => ctx.room.close()]);
    ctx.sfu = createSfuServices({
      media,
      meetings: ctx.meetings,
      redis,
      redisPrefix: config.redisPrefix,
      instanceId,
      io: clientRoomsOf(realtime.io),
      logger,
      consumerBudget: config.sfu.consumerBudget,
      nodeConsumerBudget: config.sfu.nodeConsumerBudget,
      metrics: registry,
      caps: {
        maxTransports: config.limits.sfuMaxTransports,
        maxConsumersPerProducer: config.limits.sfuMaxConsumersPerProducer,
        maxProducersPerMeeting: config.limits.sfuMaxProducersPerMeeting,
      },
    });
    cleanup.unshift(['sfu', () => ctx.sfu.close()]);
    ctx.room.moderation.mediaMuter = async (meetingId, peerId, kind) => {
      await ctx.sfu.service.pausePeerMedia(meetingId, peerId, kind);
    };
    const koaCallback = createHttpApp(ctx).callback();
    handle = (req, res) => void koaCallback(req, res);
    setupRealtime(ctx);
    // Runs first at shutdown: this instance's meeting peers leave while Redis is still there.
    cleanup.unshift(['meetings', () => ctx.meetings.close()]);
    await ctx.meetings.start();
    // Runs before Socket.io closes: this instance's users go offline while Redis is still there.
    cleanup.unshift(['presence', () => presence.stop()]);
    await presence.start();

    warnAboutSecuritySettings(config, logger);
    const sweep = setInterval(() => void sweepSessions(ctx), SESSION_SWEEP_MS);
    sweep.unref();
    cleanup.unshift(['session sweep', () => clearInterval(sweep)]);
    await sweepSessions(ctx);

    const address = await listen(httpServer, config.port, config.host);
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    logger.info(
      { url, db: config.databaseUrl ? 'postgres' : 'pglite', redis: Boolean(redis) },
      'parley server listening',
    );

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        logger.info('parley server stopping');
        if (redis) {
          // Other instances share the meetings: hand this instance's participants over to them.
          // New connections are refused from now on, so that the clients told to reconnect (and
          // any newcomer) reach another instance through the proxy, not this one again.
          stopListening(httpServer);
          const resumeWithinMs = config.meetings.resumeMs;
          realtime.io.local.emit(ServerEvents.serverRestarting, { resumeWithinMs });
          await ctx.meetings.handOver(resumeWithinMs).catch((error: unknown) => {
            logger.warn({ err: error }, 'handing meeting peers over failed');
          });
          await ctx.sfu.releaseAll(resumeWithinMs);
        }
        httpServer.closeIdleConnections();
        const drain = setTimeout(() => httpServer.closeAllConnections(), options.drainTimeoutMs ?? 5000);
        drain.unref();
        // realtime.close() also closes httpServer (socket.io owns it) and waits for it.
        await runAll(logger, cleanup);
        clearTimeout(drain);
        logger.info('parley server stopped');
      })());

    return { httpServer, io: realtime.io, ctx, url, close };
  } catch (error) {
    await runAll(logger, cleanup);
    throw error;
  }
}
