import type { Redis } from 'ioredis';
import { execAll, parseInstanceEntry, userMember, type PresenceKeys } from './presenceKeys.js';

const BATCH = 500;

/**
 * Removes every socket an instance registered; resolves with the users left with no socket on
 * any instance. Each batch is one MULTI, so a user's last-socket check is exact even while
 * other instances add and remove that user's sockets. Safe to run twice (SREM of a gone member
 * reports 0, so nobody is reported offline twice).
 */
export async function removeInstanceSockets(redis: Redis, keys: PresenceKeys, instanceId: string): Promise<string[]> {
  const entries = await redis.smembers(keys.sockets(instanceId));
  const offline = new Set<string>();
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    const parsed = batch.map(parseInstanceEntry);
    const multi = redis.multi();
    for (const entry of parsed) {
      if (!entry) continue;
      const userKey = keys.user(entry.userId);
      multi.srem(userKey, userMember(instanceId, entry.socketId)).scard(userKey);
    }
    multi.srem(keys.sockets(instanceId), ...batch);
    const results = await execAll(multi);
    let r = 0;
    for (const entry of parsed) {
      if (!entry) continue;
      if (results[r] === 1 && results[r + 1] === 0) offline.add(entry.userId);
      r += 2;
    }
  }
  await execAll(redis.multi().srem(keys.instances, instanceId).del(keys.alive(instanceId)));
  return [...offline];
}

/**
 * Finds registered instances whose liveness key has expired (crashed or frozen) and removes
 * their sockets. A lock per dead instance means only one live instance sweeps it; resolves
 * with the users this sweep took offline.
 */
export async function sweepDeadInstances(
  redis: Redis,
  keys: PresenceKeys,
  selfId: string,
  lockMs: number,
): Promise<string[]> {
  const others = (await redis.smembers(keys.instances)).filter((id) => id !== selfId);
  if (others.length === 0) return [];
  const alive = await execAll(others.reduce((p, id) => p.exists(keys.alive(id)), redis.pipeline()));
  const offline: string[] = [];
  for (const [i, instanceId] of others.entries()) {
    if (alive[i] === 1) continue;
    const locked = await redis.set(keys.sweepLock(instanceId), selfId, 'PX', lockMs, 'NX');
    if (locked !== 'OK') continue;
    offline.push(...(await removeInstanceSockets(redis, keys, instanceId)));
  }
  return offline;
}
