import type { MeetingServices } from '../meetings/createMeetingServices.js';
import type { InstanceDeps } from '../instanceDeps.js';
import { RedisStateSnapshots } from '../store/RedisStateSnapshots.js';
import type { RedisRoomFeatureStore, RoomFeatureSnapshot } from './RedisRoomFeatureStore.js';

/**
 * Keeps the room features (raised hands and their order, lock, admitted and removed users, lobby
 * queue) of the meetings this instance has peers in, and writes them back when Redis comes back
 * empty (the sweeper finds this instance's liveness key missing), beside the room peers
 * (RoomStateRestorer) and SFU producers. Each instance with a peer in a meeting holds the whole
 * feature state of that meeting, so any one of them restores it; the writes never overwrite.
 */
export function createRoomFeatureRestorer(
  store: RedisRoomFeatureStore,
  deps: Pick<InstanceDeps, 'redis' | 'redisPrefix' | 'instanceId' | 'logger'> & { meetings: MeetingServices },
): RedisStateSnapshots<RoomFeatureSnapshot> | undefined {
  if (!deps.redis) return undefined;
  const snapshots = new RedisStateSnapshots<RoomFeatureSnapshot>({
    redis: deps.redis,
    epochKey: `${deps.redisPrefix}epoch:room-features:${deps.instanceId}`,
    source: store.snapshotSource(),
    meetings: () => deps.meetings.localPeers.all().map((entry) => entry.meetingId),
    intervalMs: deps.meetings.settings.sweepIntervalMs,
    logger: deps.logger,
  });
  deps.meetings.sweeper.onStateLost('roomFeatures', () => snapshots.restore());
  return snapshots;
}
