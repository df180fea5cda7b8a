import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { MediaCluster } from '../media/MediaCluster.js';
import type { MeetingServices } from '../meetings/createMeetingServices.js';
import type { ClientRooms } from '../clientRooms.js';
import type { Redis } from '../store/redis.js';
import { LocalSfuPeers } from './LocalSfuPeers.js';
import { RedisSfuStore } from './RedisSfuStore.js';
import { NodeDrain } from './NodeDrain.js';
import { NodeLoss } from './NodeLoss.js';
import { NodePipes } from './NodePipes.js';
import { MemoryPipeStore } from './PipeStore.js';
import { RedisPipeStore } from './RedisPipeStore.js';
import { createMediaNotificationHandler } from './MediaNotificationHandler.js';
import { LeastLoadedPlacement } from './placement/LeastLoadedPlacement.js';
import { MeetingPlacement } from './placement/MeetingPlacement.js';
import type { Placement } from './placement/Placement.js';
import { SfuNotifications } from './SfuNotifications.js';
import { createSfuMetrics } from './sfuMetrics.js';
import { SfuCaps, type SfuCapSettings } from './SfuCaps.js';
import { SfuStateRestorer } from './SfuStateRestorer.js';
import { createPipeStateRestorer } from './PipeStateRestorer.js';
import { SfuService } from './SfuService.js';
import { KeptPeerStore } from './handover/KeptPeerStore.js';
import { SfuHandOver } from './handover/SfuHandOver.js';
import { MemorySfuStore, type SfuStore } from './SfuStore.js';

export interface SfuDeps {
  media: MediaCluster;
  meetings: MeetingServices;
  redis: Redis | null;
  redisPrefix: string;
  /** This server instance (the epoch key of its pipe snapshots). */
  instanceId: string;
  io: ClientRooms;
  logger: Logger;
  consumerBudget: number;
  /** SFU_NODE_CONSUMER_BUDGET (0 = a meeting stays on one node). */
  nodeConsumerBudget?: number;
  /** Prometheus registry of the instance (none: no SFU metrics). */
  metrics?: Registry;
  /** After a room goes back to mesh, its SFU objects are closed this much later (make-before-break). */
  teardownMs?: number;
  /** Caps on each participant's SFU objects (default: DEFAULT_SFU_CAPS). */
  caps?: SfuCapSettings;
  /** Where a meeting entering the SFU goes (default: LeastLoadedPlacement). */
  placement?: Placement;
}

export interface SfuServices {
  service: SfuService;
  store: SfuStore;
  local: LocalSfuPeers;
  /** Moves meetings off draining media nodes (`sfu:migrate`, `sfu:migrated`). */
  drain: NodeDrain;
  /** Adopts a resumed peer's SFU objects (rolling deploy); null without Redis (one instance). */
  handOver: SfuHandOver | null;
  close(): void;
  /**
   * This instance is stopping: with Redis, every local SFU peer's objects stay on the media nodes
   * for the instance its client resumes on (SfuHandOver); without, they are closed.
   */
  releaseAll(resumeMs: number): Promise<void>;
}

const TEARDOWN_MS = 10_000;

/** The SFU domain of one instance, wired to the rooms' events and the media nodes' notifications. */
export function createSfuServices(deps: SfuDeps): SfuServices {
  const logger = deps.logger.child({ component: 'sfu' });
  const store: SfuStore = deps.redis ? new RedisSfuStore(deps.redis, deps.redisPrefix) : new MemorySfuStore();
  const local = new LocalSfuPeers();
  const metrics = deps.metrics ? createSfuMetrics(deps.metrics, local) : undefined;
  const redisPipes = deps.redis ? new RedisPipeStore(deps.redis, deps.redisPrefix) : undefined;
  const pipes = new NodePipes({
    media: deps.media,
    pipes: redisPipes ?? new MemoryPipeStore(),
    locks: deps.meetings.store,
    logger,
    nodeBudget: deps.nodeConsumerBudget ?? 0,
    onPipe: () => metrics?.nodePipes.inc(),
  });
  const notify = new SfuNotifications(deps.io);
  const placement = new MeetingPlacement({
    nodes: deps.media,
    store,
    strategy: deps.placement ?? new LeastLoadedPlacement(),
    pipes,
    logger,
  });
  const service = new SfuService({
    caps: new SfuCaps(deps.caps),
    media: deps.media,
    store,
    local,
    membership: deps.meetings.membership,
    io: deps.io,
    notify,
    placement,
    logger,
    consumerBudget: deps.consumerBudget,
    pipes,
  });
  const handOver = deps.redis
    ? new SfuHandOver({
        service,
        local,
        store,
        placement,
        notify,
        kept: new KeptPeerStore(deps.redis, deps.redisPrefix),
        logger,
      })
    : null;
  const restorer = new SfuStateRestorer(local, store);
  deps.meetings.restorer.useModeHint((meetingId) => restorer.modeOf(meetingId));
  deps.meetings.sweeper.onStateLost('sfuProducers', () => restorer.restore());
  const pipeSnapshots =
    deps.redis && redisPipes
      ? createPipeStateRestorer({
          ...deps,
          redis: deps.redis,
          pipes: redisPipes,
          local,
          sweeper: deps.meetings.sweeper,
          sweepIntervalMs: deps.meetings.settings.sweepIntervalMs,
          logger,
        })
      : undefined;
  void pipeSnapshots?.start();
  const warn = (what: string) => (error: unknown) => logger.warn({ err: error }, what);
  const timers = new Set<NodeJS.Timeout>();
  const { events } = deps.meetings;
  const onPeerLeft = ({ peerId, meetingId }: { peerId: string; meetingId: string }) =>
    void service
      .peerGone(peerId, meetingId)
      .then(() => handOver?.discard(meetingId, peerId))
      .catch(warn('sfu peer clean-up failed'));
  const onEnded = (meetingId: string) =>
    void service.closeMeeting(meetingId).catch(warn('sfu meeting clean-up failed'));
  const onMode = (meetingId: string, mode: string) => {
    metrics?.modeChanges.inc({ mode });
    if (mode !== 'mesh') return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      deps.meetings.membership
        .mode(meetingId)
        .then((mode) => (mode === 'mesh' ? service.closeMeeting(meetingId) : undefined))
        .catch(warn('sfu teardown failed'));
    }, deps.teardownMs ?? TEARDOWN_MS);
    timer.unref();
    timers.add(timer);
  };
  events.on('peerLeft', onPeerLeft);
  events.on('ended', onEnded);
  events.on('modeChanged', onMode);
  const { modeSwitch } = deps.meetings;
  const nodeEventDeps = { service, local, store, pipes, media: deps.media, placement, notify, logger };
  const nodeLoss = new NodeLoss({
    ...nodeEventDeps,
    onReset: (reason) => metrics?.transportsReset.inc({ reason }),
    ...(modeSwitch ? { fallbackToMesh: (meetingId: string) => modeSwitch.fallbackToMesh(meetingId) } : {}),
  });
  const unsubscribe = deps.media.onNotification(
    createMediaNotificationHandler({ notify, local, store, pipes, nodeLoss, logger }),
  );
  const drain = new NodeDrain({
    ...nodeEventDeps,
    onMigrate: (stage) => metrics?.drainMoves.inc({ stage }),
  });
  drain.start();
  const unsubscribeDraining = deps.media.onNodeDraining(() => drain.nodeDraining());
  const unsubscribeLost = deps.media.onNodeLost((nodeId) => {
    void nodeLoss.nodeLost(nodeId).catch(warn('sfu reset after a media node loss failed'));
    void drain.nodeLost(nodeId).catch(warn('sfu drain: forgetting the pipes of a lost node failed'));
  });
  const unsubscribeUp = deps.media.onNodeUp(() => nodeLoss.nodeUp());
  return {
    service,
    store,
    local,
    drain,
    handOver,
    async releaseAll(resumeMs: number) {
      const kept = (await handOver?.keepAll(resumeMs)) ?? 0;
      if (kept > 0) logger.info({ peers: kept, resumeMs }, 'sfu objects kept on the media nodes for adoption');
      for (const peer of local.all()) {
        await service.peerGone(peer.peerId, peer.meetingId).catch(warn('sfu peer release failed'));
      }
    },
    close() {
      unsubscribe();
      unsubscribeDraining();
      drain.stop();
      unsubscribeLost();
      unsubscribeUp();
      events.off('peerLeft', onPeerLeft);
      events.off('ended', onEnded);
      events.off('modeChanged', onMode);
      for (const timer of timers) clearTimeout(timer);
      void pipeSnapshots?.stop();
    },
  };
}
