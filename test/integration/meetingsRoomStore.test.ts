import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRoomStore } from '../../server/src/meetings/MemoryRoomStore.js';
import { RedisRoomStore } from '../../server/src/meetings/RedisRoomStore.js';
import type { RoomPeer, RoomStore } from '../../server/src/meetings/RoomStore.js';

/**
 * The RoomStore contract, run against both implementations (Redis: the real server, its own key
 * prefix, removed afterwards).
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `parley-test-${randomUUID().slice(0, 8)}:meetings:`;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
});

afterAll(async () => {
  if (!redis) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
});

let clock = 1_000_000;
function peer(userId: string, overrides: Partial<RoomPeer> = {}): RoomPeer {
  clock += 10;
  return {
    peerId: randomUUID(),
    userId,
    user: { id: userId, username: userId, displayName: userId.toUpperCase() },
    socketId: `sock-${randomUUID().slice(0, 6)}`,
    instanceId: 'inst-a',
    joinedAt: clock,
    ...overrides,
  };
}

const implementations: Array<[string, () => RoomStore]> = [
  ['memory', () => new MemoryRoomStore()],
  ['redis', () => new RedisRoomStore(redis, prefix)],
];

describe.each(implementations)('RoomStore (%s)', (_name, make) => {
  const now = 5_000_000;
  const GRACE = now + 20_000;

  it('creates a room once and reports its meta', async () => {
    const store = make();
    const id = randomUUID();
    expect(await store.getMeta(id)).toBeNull();
    expect(await store.createRoom(id, { hostId: 'h', mode: 'mesh' }, now + 1000)).toBe(true);
    expect(await store.createRoom(id, { hostId: 'other', mode: 'sfu' }, now)).toBe(false);
    expect(await store.getMeta(id)).toEqual({ hostId: 'h', mode: 'mesh', status: 'open' });
    await store.setMode(id, 'sfu');
    expect((await store.getMeta(id))?.mode).toBe('sfu');
    // A new room is due to end if nobody ever joins.
    expect(await store.dueMeetings('empty', now + 999, 10)).not.toContain(id);
    expect(await store.dueMeetings('empty', now + 1000, 10)).toContain(id);
    await store.deleteRoom(id);
  });

  it('keeps one peer per user: a second join replaces the first', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'h', mode: 'mesh' }, now);
    const first = peer('u1');
    const other = peer('u2', { instanceId: 'inst-b' });
    expect(await store.addPeer(id, first, GRACE)).toEqual({ ok: true, replaced: null });
    expect(await store.addPeer(id, other, GRACE)).toEqual({ ok: true, replaced: null });
    const second = peer('u1');
    const result = await store.addPeer(id, second, GRACE);
    expect(result).toEqual({ ok: true, replaced: first });
    const peers = await store.listPeers(id);
    expect(peers.map((p) => p.peerId)).toEqual([other.peerId, second.peerId]);
    expect(await store.countPeers(id)).toBe(2);
    expect(await store.countPeers(randomUUID())).toBe(0);
    expect(await store.getPeers(id, [first.peerId, second.peerId])).toEqual([null, second]);
    // The replaced peer is gone from its instance's list; the others are listed.
    expect(await store.peersOfInstance('inst-a')).toContainEqual({ meetingId: id, peerId: second.peerId });
    expect(await store.peersOfInstance('inst-a')).not.toContainEqual({ meetingId: id, peerId: first.peerId });
    expect(await store.peersOfInstance('inst-b')).toContainEqual({ meetingId: id, peerId: other.peerId });
    // Removing the replaced peer again is a no-op; the user's current peer stays.
    expect(await store.removePeer(id, first.peerId, { emptyDeadline: now, hostGraceDeadline: null })).toBeNull();
    expect((await store.listPeers(id)).length).toBe(2);
    await store.removePeer(id, other.peerId, { emptyDeadline: now, hostGraceDeadline: null });
    expect(await store.countPeers(id)).toBe(1);
    await store.deleteRoom(id);
    expect(await store.peersOfInstance('inst-b')).not.toContainEqual({ meetingId: id, peerId: other.peerId });
  });

  it('sets the empty deadline when the last peer leaves and clears it on join', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'h', mode: 'mesh' }, now);
    const a = peer('a');
    const b = peer('b');
    await store.addPeer(id, a, GRACE);
    expect(await store.dueMeetings('empty', now + 10_000_000, 100)).not.toContain(id);
    await store.addPeer(id, b, GRACE);
    expect(await store.removePeer(id, a.peerId, { emptyDeadline: now + 50, hostGraceDeadline: null })).toEqual(a);
    expect(await store.dueMeetings('empty', now + 10_000_000, 100)).not.toContain(id);
    await store.removePeer(id, b.peerId, { emptyDeadline: now + 50, hostGraceDeadline: null });
    expect(await store.dueMeetings('empty', now + 49, 100)).not.toContain(id);
    expect(await store.dueMeetings('empty', now + 50, 100)).toContain(id);
    await store.addPeer(id, peer('c'), GRACE);
    expect(await store.dueMeetings('empty', now + 10_000_000, 100)).not.toContain(id);
    await store.deleteRoom(id);
  });

  it('closes only an empty room whose deadline passed, then refuses joins', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'h', mode: 'mesh' }, now + 100);
    expect(await store.beginClose(id, now + 99)).toBe('notdue');
    const a = peer('a');
    await store.addPeer(id, a, GRACE);
    await store.removePeer(id, a.peerId, { emptyDeadline: now + 100, hostGraceDeadline: null });
    await store.addPeer(id, peer('b'), GRACE);
    // Someone came back: the deadline is gone.
    expect(await store.beginClose(id, now + 100)).toBe('notdue');
    const empty = randomUUID();
    await store.createRoom(empty, { hostId: 'h', mode: 'mesh' }, now + 100);
    expect(await store.beginClose(empty, now + 100, now + 10_100)).toBe('closing');
    expect(await store.addPeer(empty, peer('late'), GRACE)).toEqual({ ok: false });
    // Still due at the retry time so that a crashed closer's work gets finished.
    expect(await store.dueMeetings('empty', now + 10_099, 100)).not.toContain(empty);
    expect(await store.dueMeetings('empty', now + 10_100, 100)).toContain(empty);
    expect(await store.beginClose(empty, now + 10_100)).toBe('closing');
    await store.deleteRoom(empty);
    expect(await store.getMeta(empty)).toBeNull();
    expect(await store.beginClose(empty, now + 20_000)).toBe('gone');
    expect(await store.dueMeetings('empty', now + 10_000_000, 100)).not.toContain(empty);
    // Unconditional close (stop_meeting) works with people inside.
    expect(await store.beginClose(id)).toBe('closing');
    expect((await store.getMeta(id))?.status).toBe('closing');
    await store.deleteRoom(id);
  });

  it('hands the host role to the longest-present participant once the grace has passed', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'host', mode: 'mesh' }, now);
    const host = peer('host');
    const early = peer('early');
    const late = peer('late');
    for (const p of [host, early, late]) await store.addPeer(id, p, GRACE);
    expect(await store.dueMeetings('host', now + 10_000_000, 100)).not.toContain(id);
    await store.removePeer(id, host.peerId, { emptyDeadline: now, hostGraceDeadline: now + 200 });
    expect(await store.transferHost(id, now + 199, false)).toEqual({ outcome: 'notdue' });
    expect(await store.dueMeetings('host', now + 200, 100)).toContain(id);
    expect(await store.transferHost(id, now + 200, false)).toEqual({ outcome: 'changed', hostId: 'early' });
    expect((await store.getMeta(id))?.hostId).toBe('early');
    expect(await store.dueMeetings('host', now + 10_000_000, 100)).not.toContain(id);
    await store.deleteRoom(id);
  });

  it('keeps the host when it comes back within the grace', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'host', mode: 'mesh' }, now);
    const host = peer('host');
    await store.addPeer(id, host, GRACE);
    await store.addPeer(id, peer('guest'), GRACE);
    await store.removePeer(id, host.peerId, { emptyDeadline: now, hostGraceDeadline: now + 200 });
    await store.addPeer(id, peer('host'), GRACE);
    expect(await store.dueMeetings('host', now + 10_000_000, 100)).not.toContain(id);
    expect(await store.transferHost(id, now + 500, false)).toEqual({ outcome: 'notdue' });
    // Forced (the host left on purpose) while the host is in: nothing to do.
    expect(await store.transferHost(id, now, true)).toEqual({ outcome: 'back' });
    expect((await store.getMeta(id))?.hostId).toBe('host');
    await store.deleteRoom(id);
  });

  it('starts the grace when someone joins a room whose host is absent; empty rooms keep their host', async () => {
    const store = make();
    const id = randomUUID();
    await store.createRoom(id, { hostId: 'host', mode: 'mesh' }, now);
    expect(await store.transferHost(id, now, true)).toEqual({ outcome: 'empty' });
    await store.addPeer(id, peer('guest'), now + 300);
    expect(await store.dueMeetings('host', now + 299, 100)).not.toContain(id);
    expect(await store.dueMeetings('host', now + 300, 100)).toContain(id);
    expect(await store.transferHost(id, now + 300, false)).toEqual({ outcome: 'changed', hostId: 'guest' });
    await store.deleteRoom(id);
    expect(await store.transferHost(id, now, true)).toEqual({ outcome: 'gone' });
  });

  it('lets one holder at a time run under a lock', async () => {
    const store = make();
    const name = `lock-${randomUUID()}`;
    let inner: unknown = 'not run';
    const outer = await store.withLock(name, 5000, async () => {
      inner = await store.withLock(name, 5000, () => Promise.resolve('ran'));
      return 'outer';
    });
    expect(outer).toBe('outer');
    expect(inner).toBeUndefined();
    expect(await store.withLock(name, 5000, () => Promise.resolve('again'))).toBe('again');
  });
});

describe('RedisRoomStore instance liveness', () => {
  it('reports an instance holding peers as dead once its liveness key expires', async () => {
    const store = new RedisRoomStore(redis, prefix);
    const id = randomUUID();
    const instance = `inst-${randomUUID().slice(0, 6)}`;
    await store.heartbeat(instance, 150);
    await store.createRoom(id, { hostId: 'h', mode: 'mesh' }, Date.now() + 60_000);
    const p = peer('u', { instanceId: instance });
    await store.addPeer(id, p, Date.now() + 60_000);
    expect(await store.deadInstances()).not.toContain(instance);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await store.deadInstances()).toContain(instance);
    expect(await store.peersOfInstance(instance)).toEqual([{ meetingId: id, peerId: p.peerId }]);
    // Still holding a peer: not forgotten.
    await store.forgetInstance(instance);
    expect(await store.deadInstances()).toContain(instance);
    await store.removePeer(id, p.peerId, { emptyDeadline: Date.now(), hostGraceDeadline: null });
    await store.forgetInstance(instance);
    expect(await store.deadInstances()).not.toContain(instance);
    await store.deleteRoom(id);
  });
});
