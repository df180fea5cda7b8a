import type { ChainableCommander } from 'ioredis';

/**
 * Redis layout of presence (all under the configured prefix):
 * - `presence:instances`: set of instance ids that registered;
 * - `presence:alive:<instance>`: liveness key, refreshed by the instance's heartbeat, short TTL;
 * - `presence:sockets:<instance>`: set of "<userId> <socketId>" open on that instance;
 * - `presence:user:<userId>`: set of "<instance> <socketId>" (the user is online while not empty);
 * - `presence:leaving`: sorted set of users whose offline waits out its grace, scored by deadline (ms);
 * - `presence:sweep:<instance>`: lock taken by the one instance that sweeps a dead instance.
 */
export class PresenceKeys {
  readonly instances: string;
  readonly leaving: string;

  constructor(private readonly prefix: string) {
    this.instances = `${prefix}presence:instances`;
    this.leaving = `${prefix}presence:leaving`;
  }

  alive(instanceId: string): string {
    return `${this.prefix}presence:alive:${instanceId}`;
  }

  sockets(instanceId: string): string {
    return `${this.prefix}presence:sockets:${instanceId}`;
  }

  user(userId: string): string {
    return `${this.prefix}presence:user:${userId}`;
  }

  sweepLock(instanceId: string): string {
    return `${this.prefix}presence:sweep:${instanceId}`;
  }
}

export function userMember(instanceId: string, socketId: string): string {
  return `${instanceId} ${socketId}`;
}

export function instanceEntry(userId: string, socketId: string): string {
  return `${userId} ${socketId}`;
}

export function parseInstanceEntry(entry: string): { userId: string; socketId: string } | null {
  const space = entry.indexOf(' ');
  if (space <= 0) return null;
  return { userId: entry.slice(0, space), socketId: entry.slice(space + 1) };
}

/** Results of MULTI ... EXEC, throwing the first command error. */
export async function execAll(multi: ChainableCommander): Promise<unknown[]> {
  const replies = await multi.exec();
  if (!replies) throw new Error('redis transaction aborted');
  return replies.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}
