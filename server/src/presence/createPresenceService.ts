import type { Redis } from 'ioredis';
import type { ClientRooms } from '../clientRooms.js';
import type { Logger } from '../logger.js';
import { MemoryPresenceStore } from './MemoryPresenceStore.js';
import { PresenceNotifier } from './PresenceNotifier.js';
import { PresenceService } from './PresenceService.js';
import { RedisPresenceStore } from './RedisPresenceStore.js';

export interface PresenceDeps {
  /** null → presence of this instance only, in memory. */
  redis: Redis | null;
  redisPrefix: string;
  instanceId: string;
  ttlMs: number;
  /** How long a user without sockets stays online for contacts (a reload does not flap). */
  offlineGraceMs: number;
  logger: Logger;
  /** Where presence changes go to clients. */
  io: ClientRooms;
  contactIdsOf: (userId: string) => Promise<string[]>;
}

export function createPresenceService(deps: PresenceDeps): PresenceService {
  const logger = deps.logger.child({ component: 'presence' });
  const store = deps.redis
    ? new RedisPresenceStore({
        redis: deps.redis,
        prefix: deps.redisPrefix,
        instanceId: deps.instanceId,
        ttlMs: deps.ttlMs,
        logger,
      })
    : new MemoryPresenceStore();
  return new PresenceService(store, new PresenceNotifier(deps.io), deps.contactIdsOf, logger, deps.offlineGraceMs);
}
