import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { removeInstanceSockets, sweepDeadInstances } from './instanceSweeper.js';
import { PresenceKeys, execAll, instanceEntry, userMember } from './presenceKeys.js';
import type { PresenceStore } from './PresenceStore.js';
import { ADD_SOCKET, CONFIRM_OFFLINE, REMOVE_SOCKET } from './presenceScripts.js';

/** How far past its deadline a leaving user is confirmed by any instance's sweep (its own instance died). */
const OVERDUE_MS = 2000;

export interface RedisPresenceOptions {
  redis: Redis;
  prefix: string;
  /** Unique per server process. */
  instanceId: string;
  /** Lifetime of the liveness key; heartbeat and sweeps run every third of it. */
  ttlMs: number;
  logger: Logger;
}

/**
 * Presence across instances in Redis (layout in presenceKeys.ts). Each instance keeps a liveness
 * key alive with a heartbeat and sweeps instances whose key expired, so the users of a killed
 * instance go offline within ttl + ttl/3. An instance that finds its own key expired (it froze
 * long enough to be swept) registers its sockets again.
 */
export class RedisPresenceStore implements PresenceStore {
  private readonly keys: PresenceKeys;
  /** This instance's sockets: socket id → user id. */
  private readonly local = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private onChanged: (userIds: string[], online: boolean) => void = () => {};
  private heartbeatRunning = false;
  private sweepRunning = false;

  constructor(private readonly options: RedisPresenceOptions) {
    this.keys = new PresenceKeys(options.prefix);
  }

  /** The keys and arguments ADD_SOCKET and REMOVE_SOCKET take (3 keys, then the socket's entries). */
  private socketScriptArgs(userId: string, socketId: string): [number, ...string[]] {
    const { instanceId } = this.options;
    return [
      3,
      this.keys.user(userId),
      this.keys.sockets(instanceId),
      this.keys.leaving,
      userMember(instanceId, socketId),
      instanceEntry(userId, socketId),
      userId,
    ];
  }

  async add(userId: string, socketId: string): Promise<boolean> {
    this.local.set(socketId, userId);
    const online = await this.options.redis.eval(ADD_SOCKET, ...this.socketScriptArgs(userId, socketId));
    return online === 1;
  }

  async remove(userId: string, socketId: string, leavingMs: number): Promise<boolean> {
    this.local.delete(socketId);
    const leavingAt = leavingMs > 0 ? Date.now() + leavingMs : 0;
    const last = await this.options.redis.eval(REMOVE_SOCKET, ...this.socketScriptArgs(userId, socketId), leavingAt);
    return last === 1;
  }

  async confirmOffline(userId: string): Promise<boolean> {
    const offline = await this.options.redis.eval(
      CONFIRM_OFFLINE,
      2,
      this.keys.user(userId),
      this.keys.leaving,
      userId,
    );
    return offline === 1;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const pipeline = this.options.redis.pipeline();
    for (const id of userIds) pipeline.exists(this.keys.user(id));
    const results = await execAll(pipeline);
    return new Set(userIds.filter((_, i) => results[i] === 1));
  }

  async start(onChanged: (userIds: string[], online: boolean) => void): Promise<void> {
    this.onChanged = onChanged;
    const { redis, instanceId, ttlMs } = this.options;
    await execAll(
      redis.multi().set(this.keys.alive(instanceId), '1', 'PX', ttlMs).sadd(this.keys.instances, instanceId),
    );
    const every = Math.max(100, Math.floor(ttlMs / 3));
    this.timers = [setInterval(() => void this.heartbeat(), every), setInterval(() => void this.sweep(), every)];
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<string[]> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.local.clear();
    return removeInstanceSockets(this.options.redis, this.keys, this.options.instanceId);
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeatRunning) return;
    this.heartbeatRunning = true;
    const { redis, instanceId, ttlMs, logger } = this.options;
    try {
      const previous = await redis.set(this.keys.alive(instanceId), '1', 'PX', ttlMs, 'GET');
      if (previous === null) await this.reRegister();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'presence heartbeat failed');
    } finally {
      this.heartbeatRunning = false;
    }
  }

  /** Our liveness key had expired, so another instance may have swept our sockets. */
  private async reRegister(): Promise<void> {
    const { redis, instanceId, logger } = this.options;
    const sockets = [...this.local];
    const multi = redis.multi().sadd(this.keys.instances, instanceId);
    for (const [socketId, userId] of sockets) {
      const userKey = this.keys.user(userId);
      multi
        .sadd(userKey, userMember(instanceId, socketId))
        .sadd(this.keys.sockets(instanceId), instanceEntry(userId, socketId))
        .scard(userKey);
    }
    const results = await execAll(multi);
    const online = new Set<string>();
    sockets.forEach(([, userId], i) => {
      if (results[1 + i * 3] === 1 && results[3 + i * 3] === 1) online.add(userId);
    });
    logger.warn({ sockets: sockets.length }, 'presence liveness key had expired; sockets registered again');
    if (online.size > 0) this.onChanged([...online], true);
  }

  /** Leaving users whose instance did not confirm them in time (it died during the grace). */
  private async confirmOverdue(): Promise<string[]> {
    const overdue = await this.options.redis.zrangebyscore(
      this.keys.leaving,
      0,
      Date.now() - OVERDUE_MS,
      'LIMIT',
      0,
      500,
    );
    const confirmed = await Promise.all(overdue.map((userId) => this.confirmOffline(userId)));
    return overdue.filter((_, i) => confirmed[i]);
  }

  private async sweep(): Promise<void> {
    if (this.sweepRunning) return;
    this.sweepRunning = true;
    const { redis, instanceId, ttlMs, logger } = this.options;
    try {
      const offline = await sweepDeadInstances(redis, this.keys, instanceId, ttlMs * 2);
      if (offline.length > 0) {
        logger.info({ users: offline.length }, 'presence: swept the sockets of a dead instance');
        this.onChanged(offline, false);
      }
      const overdue = await this.confirmOverdue();
      if (overdue.length > 0) {
        logger.info(
          { users: overdue.length },
          'presence: confirmed the offline of users left leaving by another instance',
        );
        this.onChanged(overdue, false);
      }
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'presence sweep failed');
    } finally {
      this.sweepRunning = false;
    }
  }
}
