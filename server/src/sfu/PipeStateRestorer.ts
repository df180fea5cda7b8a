import type { Logger } from '../logger.js';
import type { MediaCluster } from '../media/MediaCluster.js';
import type { MeetingSweeper } from '../meetings/MeetingSweeper.js';
import type { Redis } from '../store/redis.js';
import { RedisStateSnapshots, type SnapshotSource } from '../store/RedisStateSnapshots.js';
import type { LocalSfuPeers } from './LocalSfuPeers.js';
import type { PipePair, PipedProducer } from './PipeStore.js';
import type { PipeSnapshot, RedisPipeStore } from './RedisPipeStore.js';

export interface PipeStateRestorerDeps {
  redis: Redis;
  redisPrefix: string;
  instanceId: string;
  pipes: RedisPipeStore;
  local: LocalSfuPeers;
  media: MediaCluster;
  sweeper: MeetingSweeper;
  sweepIntervalMs: number;
  logger: Logger;
}

/** Drops the records naming a node that is not connected now (its pipes went with it). */
export function withoutGoneNodes(snapshot: PipeSnapshot, connected: (nodeId: string) => boolean): PipeSnapshot {
  const pairs = Object.entries(snapshot.pairs).filter(([, json]) =>
    Object.keys(JSON.parse(json) as PipePair).every(connected),
  );
  const piped = Object.entries(snapshot.piped).filter(([, json]) => {
    const p = JSON.parse(json) as PipedProducer;
    return connected(p.from) && connected(p.to);
  });
  return {
    nodes: snapshot.nodes.filter(connected),
    pairs: Object.fromEntries(pairs),
    piped: Object.fromEntries(piped),
  };
}

/**
 * Keeps the pipe records (docs/sfu.md "Across nodes": the nodes of a meeting, its pipe transport
 * pairs, which producer is piped to which node) of the meetings this instance has SFU peers in,
 * and writes them back when Redis comes back empty. Without them a newcomer consuming on the
 * second node would pipe a producer there again (refused: its copy is there already) and closing
 * a producer would leave its copies. Records of nodes gone meanwhile are left out.
 */
export function createPipeStateRestorer(deps: PipeStateRestorerDeps): RedisStateSnapshots<PipeSnapshot> {
  const source = deps.pipes.snapshotSource();
  const connected = (nodeId: string) => deps.media.client(nodeId)?.connected === true;
  const filtered: SnapshotSource<PipeSnapshot> = {
    ...source,
    write: (meetingId, snapshot) => source.write(meetingId, withoutGoneNodes(snapshot, connected)),
  };
  const snapshots = new RedisStateSnapshots<PipeSnapshot>({
    redis: deps.redis,
    epochKey: `${deps.redisPrefix}epoch:sfu-pipes:${deps.instanceId}`,
    source: filtered,
    meetings: () => deps.local.all().map((peer) => peer.meetingId),
    intervalMs: deps.sweepIntervalMs,
    logger: deps.logger,
  });
  deps.sweeper.onStateLost('sfuPipes', () => snapshots.restore());
  return snapshots;
}
