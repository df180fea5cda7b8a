import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import type { AuthService } from './auth/AuthService.js';
import type { LoginRateLimiter, RegisterRateLimiter } from './auth/loginRateLimit.js';
import type { OriginPolicy } from './auth/originPolicy.js';
import type { TokenService } from './auth/tokens.js';
import type { ChatServices } from './chat/createChatServices.js';
import type { Config } from './config/serverConfig.js';
import type { Logger } from './logger.js';
import type { MeetingServices } from './meetings/createMeetingServices.js';
import type { createMediaCluster } from './media/MediaCluster.js';
import type { CoreInstruments } from './metrics.js';
import type { PresenceService } from './presence/PresenceService.js';
import type { ParleyServer } from './realtime/types.js';
import type { RoomFeatures } from './room/createRoomFeatures.js';
import type { SfuServices } from './sfu/createSfuServices.js';
import type { Redis } from './store/redis.js';

export type MediaCluster = ReturnType<typeof createMediaCluster>;

/**
 * Everything a handler or service of one server instance may use. Built once by startParley();
 * features add their services here.
 */
export interface AppContext {
  config: Config;
  db: Knex;
  /** null without REDIS_URL (single instance, in-memory state). */
  redis: Redis | null;
  logger: Logger;
  /** Prometheus registry of this instance (served at /metrics). */
  metrics: Registry;
  instruments: CoreInstruments;
  media: MediaCluster;
  /** Socket.io server on the same http.Server as Koa. */
  io: ParleyServer;
  /** Identifies this server process (answered by the `ping` event). */
  instanceId: string;
  tokens: TokenService;
  auth: AuthService;
  loginRateLimiter: LoginRateLimiter;
  registerRateLimiter: RegisterRateLimiter;
  /** Which page origins may use the session cookie (PUBLIC_ORIGIN or the request's Host). */
  originPolicy: OriginPolicy;
  /** Meetings: lifecycle, rooms (Redis or memory), sweeper. */
  meetings: MeetingServices;
  /** Meeting room features: hands, reactions, moderation, lock and lobby. */
  room: RoomFeatures;
  /** Chat: users search, contacts, conversations, messages, read marks, typing. */
  chat: ChatServices;
  /** Who is online, across instances. */
  presence: PresenceService;
  /** SFU signalling: transports, producers, consumers on the media nodes. */
  sfu: SfuServices;
}
