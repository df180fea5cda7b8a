import type { Registry } from 'prom-client';
import type { ClientRooms } from './clientRooms.js';
import type { Logger } from './logger.js';
import type { Redis } from './store/redis.js';

/** What the features of one server instance (meetings, room features) are built on. */
export interface InstanceDeps {
  /** null: state in memory (a single instance). */
  redis: Redis | null;
  redisPrefix: string;
  /** Where the feature's events go to clients. */
  io: ClientRooms;
  instanceId: string;
  logger: Logger;
  /** Prometheus registry of the instance. */
  metrics: Registry;
}
