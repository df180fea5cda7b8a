/**
 * The snapshots that bring room features and pipe records back after a Redis restart
 * (server/src/store/RedisStateSnapshots.ts), on a redis-server of this test's own: a read of the
 * emptied Redis (this instance's epoch key gone) is dropped, so what is written back is the state
 * from before the restart; the write-back never overwrites what was written since; pipe records
 * of a node that is gone are left out.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRoomFeatureStore, type RoomFeatureSnapshot } from '../../server/src/room/RedisRoomFeatureStore.js';
import { withoutGoneNodes } from '../../server/src/sfu/PipeStateRestorer.js';
import { RedisPipeStore, type PipeSnapshot } from '../../server/src/sfu/RedisPipeStore.js';
import { RedisStateSnapshots } from '../../server/src/store/RedisStateSnapshots.js';
import { startPrivateRedis, type PrivateRedis } from '../support/faults/privateRedis.js';

const logger = pino({ level: 'silent' });
const PREFIX = 'snap:';
let server: PrivateRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startPrivateRedis();
  redis = new Redis(server.url, { maxRetriesPerRequest: 20, retryStrategy: () => 50 });
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const user = (id: string) => ({ id, username: id, displayName: id });

describe('state snapshots across a Redis restart', () => {
  it('writes back the room features from before the restart, never over newer ones', async () => {
    const store = new RedisRoomFeatureStore(redis, `${PREFIX}meetings:`);
    const meetings = new Set(['m1']);
    const snapshots = new RedisStateSnapshots<RoomFeatureSnapshot>({
      redis,
      epochKey: `${PREFIX}epoch:room-features:i1`,
      source: store.snapshotSource(),
      meetings: () => meetings,
      intervalMs: 60_000,
      logger,
    });
    await snapshots.start();
    await store.raiseHand('m1', 'carol');
    await store.raiseHand('m1', 'bob');
    await store.setLocked('m1', true);
    await store.addAdmitted('m1', 'bob');
    await store.markRemoved('m1', 'mallory');
    const entry = { requestId: 'r1', user: user('dave'), socketId: 's1', instanceId: 'i1', since: 1 };
    await store.putLobby('m1', entry);
    await snapshots.refresh();
    expect(snapshots.get('m1')?.hands).toEqual([
      ['carol', 1],
      ['bob', 2],
    ]);

    await server.restart();
    // Read from the emptied Redis: recognised (epoch key gone) and dropped.
    await snapshots.refresh();
    expect(snapshots.get('m1')?.locked).toBe(true);
    // Written since the restart, before the restore: kept as it is.
    await store.setLocked('m1', false);

    expect(await snapshots.restore()).toBe(4);
    expect(await store.hands('m1')).toEqual(['carol', 'bob']);
    expect(await store.isLocked('m1')).toBe(false);
    expect(await store.isAdmitted('m1', 'bob')).toBe(true);
    expect(await store.isRemoved('m1', 'mallory')).toBe(true);
    expect(await store.listLobby('m1')).toEqual([entry]);
    // The raise sequence goes on after the restored hands.
    expect(await store.raiseHand('m1', 'erin')).toBe(3);

    // Meetings this instance no longer has a part in are not written back.
    meetings.clear();
    await server.restart();
    expect(await snapshots.restore()).toBe(0);
    expect(await store.hands('m1')).toEqual([]);
    await snapshots.stop();
  });

  it('writes back pipe records, without those of a node that is gone', async () => {
    const pipes = new RedisPipeStore(redis, PREFIX);
    const gone = new Set<string>();
    const source = pipes.snapshotSource();
    const snapshots = new RedisStateSnapshots<PipeSnapshot>({
      redis,
      epochKey: `${PREFIX}epoch:sfu-pipes:i1`,
      source: {
        ...source,
        write: (id, s) =>
          source.write(
            id,
            withoutGoneNodes(s, (n) => !gone.has(n)),
          ),
      },
      meetings: () => ['m2'],
      intervalMs: 60_000,
      logger,
    });
    await snapshots.start();
    await pipes.addNode('m2', 'nodeB');
    await pipes.addNode('m2', 'nodeC');
    await pipes.putPair('m2', 'nodeA', 'nodeB', { nodeA: 'tA', nodeB: 'tB' });
    await pipes.putPair('m2', 'nodeA', 'nodeC', { nodeA: 'tA2', nodeC: 'tC' });
    const toB = { producerId: 'p1', from: 'nodeA', to: 'nodeB', pipeConsumerId: 'c1' };
    await pipes.putPiped('m2', toB);
    await pipes.putPiped('m2', { producerId: 'p1', from: 'nodeA', to: 'nodeC', pipeConsumerId: 'c2' });
    await snapshots.refresh();

    await server.restart();
    await snapshots.refresh();
    gone.add('nodeC');
    expect(await snapshots.restore()).toBe(2);
    expect(await pipes.nodes('m2')).toEqual(['nodeB']);
    expect(await pipes.getPair('m2', 'nodeB', 'nodeA')).toEqual({ nodeA: 'tA', nodeB: 'tB' });
    expect(await pipes.getPair('m2', 'nodeA', 'nodeC')).toBeNull();
    expect(await pipes.listPiped('m2')).toEqual([toB]);
    await snapshots.stop();
  });
});
