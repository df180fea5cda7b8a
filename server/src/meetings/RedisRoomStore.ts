import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MeetingMode } from '@parley/protocol';
import { byJoinedAt } from './RoomStore.js';
import type {
  AddPeerResult,
  BeginCloseResult,
  DueKind,
  InstancePeer,
  RemovePeerOptions,
  RoomMeta,
  RoomPeer,
  RoomStore,
  TransferHostResult,
} from './RoomStore.js';
import {
  ADD_PEER,
  BEGIN_CLOSE,
  CREATE_ROOM,
  DELETE_ROOM,
  RELEASE_LOCK,
  REMOVE_PEER,
  TRANSFER_HOST,
} from './roomScripts.js';

const SCRIPTS = {
  parleyRoomCreate: CREATE_ROOM,
  parleyRoomAddPeer: ADD_PEER,
  parleyRoomRemovePeer: REMOVE_PEER,
  parleyRoomBeginClose: BEGIN_CLOSE,
  parleyRoomTransferHost: TRANSFER_HOST,
  parleyRoomDelete: DELETE_ROOM,
  parleyRoomReleaseLock: RELEASE_LOCK,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptRunner = (...args: Array<string | number>) => Promise<unknown>;

/**
 * The room store shared by every server instance. `prefix` is the store's own key prefix
 * (e.g. `parley:meetings:`); a `keyPrefix` set on the ioredis client comes on top of it.
 */
export class RedisRoomStore implements RoomStore {
  private readonly argvPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // Keys built inside the scripts do not get ioredis' keyPrefix automatically.
    this.argvPrefix = `${redis.options.keyPrefix ?? ''}${prefix}instance:`;
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') {
        redis.defineCommand(name, { lua });
      }
    }
  }

  private run(name: ScriptName, keys: string[], args: Array<string | number>): Promise<unknown> {
    const runner = (this.redis as unknown as Record<ScriptName, ScriptRunner>)[name];
    return runner.call(this.redis, keys.length, ...keys, ...args);
  }

  private meta(id: string): string {
    return `${this.prefix}room:${id}`;
  }
  private peers(id: string): string {
    return `${this.prefix}room:${id}:peers`;
  }
  private users(id: string): string {
    return `${this.prefix}room:${id}:users`;
  }
  private due(kind: DueKind): string {
    return `${this.prefix}due:${kind}`;
  }
  private instanceKey(instanceId: string, what: 'peers' | 'alive'): string {
    return `${this.prefix}instance:${instanceId}:${what}`;
  }
  private get instancesKey(): string {
    return `${this.prefix}instances`;
  }

  async createRoom(
    meetingId: string,
    meta: { hostId: string; mode: MeetingMode },
    emptyDeadline: number,
  ): Promise<boolean> {
    const created = await this.run(
      'parleyRoomCreate',
      [this.meta(meetingId), this.due('empty')],
      [meetingId, meta.hostId, meta.mode, emptyDeadline],
    );
    return created === 1;
  }

  async getMeta(meetingId: string): Promise<RoomMeta | null> {
    const fields = await this.redis.hgetall(this.meta(meetingId));
    if (!fields.status || !fields.hostId) return null;
    return {
      status: fields.status === 'closing' ? 'closing' : 'open',
      hostId: fields.hostId,
      mode: fields.mode === 'sfu' ? 'sfu' : 'mesh',
    };
  }

  async setMode(meetingId: string, mode: MeetingMode): Promise<void> {
    // HSET only on an existing room: a late call must not resurrect a deleted one.
    if ((await this.redis.exists(this.meta(meetingId))) === 1) {
      await this.redis.hset(this.meta(meetingId), 'mode', mode);
    }
  }

  async addPeer(meetingId: string, peer: RoomPeer, hostGraceDeadline: number): Promise<AddPeerResult> {
    const result = (await this.run(
      'parleyRoomAddPeer',
      [
        this.meta(meetingId),
        this.peers(meetingId),
        this.users(meetingId),
        this.due('empty'),
        this.due('host'),
        this.instancesKey,
      ],
      [meetingId, peer.peerId, peer.userId, JSON.stringify(peer), this.argvPrefix, peer.instanceId, hostGraceDeadline],
    )) as [number, string?];
    if (result[0] !== 1) return { ok: false };
    const replaced = result[1] ? (JSON.parse(result[1]) as RoomPeer) : null;
    return { ok: true, replaced };
  }

  async removePeer(meetingId: string, peerId: string, options: RemovePeerOptions): Promise<RoomPeer | null> {
    const json = (await this.run(
      'parleyRoomRemovePeer',
      [this.meta(meetingId), this.peers(meetingId), this.users(meetingId), this.due('empty'), this.due('host')],
      [meetingId, peerId, this.argvPrefix, options.emptyDeadline, options.hostGraceDeadline ?? 0],
    )) as string | null;
    return json ? (JSON.parse(json) as RoomPeer) : null;
  }

  async listPeers(meetingId: string): Promise<RoomPeer[]> {
    const values = await this.redis.hvals(this.peers(meetingId));
    return values.map((json) => JSON.parse(json) as RoomPeer).sort(byJoinedAt);
  }

  countPeers(meetingId: string): Promise<number> {
    return this.redis.hlen(this.peers(meetingId));
  }

  async getPeers(meetingId: string, peerIds: readonly string[]): Promise<Array<RoomPeer | null>> {
    if (peerIds.length === 0) return [];
    const values = await this.redis.hmget(this.peers(meetingId), ...peerIds);
    return values.map((json) => (json ? (JSON.parse(json) as RoomPeer) : null));
  }

  async dueMeetings(kind: DueKind, now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.due(kind), '-inf', now, 'LIMIT', 0, limit);
  }

  async setMeshReturn(meetingId: string, at: number | null): Promise<void> {
    if (at === null) await this.redis.zrem(this.due('mesh'), meetingId);
    else await this.redis.zadd(this.due('mesh'), at, meetingId);
  }

  async beginClose(meetingId: string, ifEmptyDueAt?: number, retryAt?: number): Promise<BeginCloseResult> {
    const conditional = ifEmptyDueAt !== undefined;
    const now = ifEmptyDueAt ?? Date.now();
    return (await this.run(
      'parleyRoomBeginClose',
      [this.meta(meetingId), this.peers(meetingId), this.due('empty')],
      [meetingId, conditional ? '1' : '0', now, retryAt ?? now],
    )) as BeginCloseResult;
  }

  async transferHost(meetingId: string, now: number, force: boolean): Promise<TransferHostResult> {
    const [outcome, hostId] = (await this.run(
      'parleyRoomTransferHost',
      [this.meta(meetingId), this.peers(meetingId), this.users(meetingId), this.due('host')],
      [meetingId, now, force ? '1' : '0'],
    )) as [string, string?];
    if (outcome === 'changed' && hostId) return { outcome, hostId };
    return { outcome: outcome as 'notdue' | 'back' | 'empty' | 'gone' };
  }

  async deleteRoom(meetingId: string): Promise<void> {
    await this.run(
      'parleyRoomDelete',
      [this.meta(meetingId), this.peers(meetingId), this.users(meetingId), this.due('empty'), this.due('host')],
      [meetingId, this.argvPrefix],
    );
  }

  async withLock<T>(name: string, ttlMs: number, fn: () => Promise<T>): Promise<T | undefined> {
    const key = `${this.prefix}lock:${name}`;
    const token = randomUUID();
    const acquired = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (acquired !== 'OK') return undefined;
    try {
      return await fn();
    } finally {
      await this.run('parleyRoomReleaseLock', [key], [token]).catch(() => undefined);
    }
  }

  async heartbeat(instanceId: string, ttlMs: number): Promise<boolean> {
    const previous = await this.redis.set(
      this.instanceKey(instanceId, 'alive'),
      String(Date.now()),
      'PX',
      ttlMs,
      'GET',
    );
    return previous !== null;
  }

  async deadInstances(): Promise<string[]> {
    const instances = await this.redis.smembers(this.instancesKey);
    if (instances.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of instances) pipeline.exists(this.instanceKey(id, 'alive'));
    const results = (await pipeline.exec()) ?? [];
    return instances.filter((_, i) => results[i]?.[1] === 0);
  }

  async peersOfInstance(instanceId: string): Promise<InstancePeer[]> {
    const members = await this.redis.smembers(this.instanceKey(instanceId, 'peers'));
    return members.flatMap((member) => {
      const [meetingId, peerId] = member.split(' ');
      return meetingId && peerId ? [{ meetingId, peerId }] : [];
    });
  }

  async forgetInstance(instanceId: string): Promise<void> {
    // Only forget an instance that holds no peer any more (a join may have raced the reaper).
    if ((await this.redis.scard(this.instanceKey(instanceId, 'peers'))) === 0) {
      await this.redis.srem(this.instancesKey, instanceId);
    }
  }

  async close(): Promise<void> {
    // The ioredis client belongs to the application context, which closes it.
  }
}
