import type { Knex } from 'knex';
import type { CreationLimits } from '../limits/creationLimits.js';
import type { InstanceDeps } from '../instanceDeps.js';
import { LocalPeers } from './LocalPeers.js';
import { createMeetingMetrics } from './meetingMetrics.js';
import { MeetingNotifier } from './MeetingNotifier.js';
import { MeetingRepository } from './MeetingRepository.js';
import { MeetingService, type MeetingDirectory } from './MeetingService.js';
import { MeetingSweeper } from './MeetingSweeper.js';
import { RoomStateRestorer } from './RoomStateRestorer.js';
import { MemoryRoomStore } from './MemoryRoomStore.js';
import { MeetingModeSwitch } from './MeetingModeSwitch.js';
import { RoomEvents } from './RoomEvents.js';
import { RedisRoomStore } from './RedisRoomStore.js';
import { RoomService } from './RoomService.js';
import type { RoomStore } from './RoomStore.js';
import type { MeetingSettings } from './settings.js';
import type { MeetingMembership } from './MeetingMembership.js';
import { RoomMembership } from './RoomMembership.js';

export interface MeetingServices {
  meetings: MeetingService;
  rooms: RoomService;
  store: RoomStore;
  sweeper: MeetingSweeper;
  /** Writes this instance's peers to Redis again when it lost them. */
  restorer: RoomStateRestorer;
  settings: MeetingSettings;
  /** Meetings and invitations in PostgreSQL. */
  repo: MeetingRepository;
  /** Every meeting event the server sends. */
  notifier: MeetingNotifier;
  /** Which socket holds which peer on this instance (the SFU checks participants with it). */
  localPeers: LocalPeers;
  /** Is this socket a participant, the room's mode, its peers (what the SFU asks of meetings). */
  membership: MeetingMembership;
  /** peerLeft, ended, modeChanged (for the SFU). */
  events: RoomEvents;
  /** The mesh ↔ SFU switch (absent without mode settings); the SFU uses its mesh fallback. */
  modeSwitch?: MeetingModeSwitch;
  /** Starts the sweeper (marks this instance alive first). */
  start(): Promise<void>;
  /** Stops the sweeper and removes this instance's peers; call before Socket.io and Redis close. */
  close(): Promise<void>;
  /** Stopping for a rolling deploy: keeps this instance's peers for their clients to resume elsewhere. */
  handOver(resumeMs: number): Promise<void>;
}

export interface MeetingDeps extends InstanceDeps {
  db: Knex;
  settings: MeetingSettings;
  directory: MeetingDirectory;
  /** Whether a media node is connected (the SFU switch needs one). Default: never. */
  sfuAvailable?: () => boolean;
  /** Invitations a user may send; none: unlimited. */
  limits?: CreationLimits;
  /** ACTIVE_MEETINGS_LIMIT (default 50). */
  activeMeetingsLimit?: number;
}

export function createMeetingServices(deps: MeetingDeps): MeetingServices {
  const logger = deps.logger.child({ component: 'meetings' });
  const store: RoomStore = deps.redis
    ? new RedisRoomStore(deps.redis, `${deps.redisPrefix}meetings:`)
    : new MemoryRoomStore();
  const repo = new MeetingRepository(deps.db);
  const notifier = new MeetingNotifier(deps.io);
  const localPeers = new LocalPeers();
  const metrics = createMeetingMetrics(deps.metrics, localPeers);
  const events = new RoomEvents();
  const modeSwitch = deps.settings.mode
    ? new MeetingModeSwitch({
        rooms: store,
        notifier,
        events,
        settings: deps.settings.mode,
        logger,
        sfuAvailable: deps.sfuAvailable ?? (() => false),
      })
    : undefined;
  const common = { repo, rooms: store, notifier, localPeers, settings: deps.settings, metrics, logger, events };
  const meetings = new MeetingService({
    ...common,
    directory: deps.directory,
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.activeMeetingsLimit ? { activeMeetingsLimit: deps.activeMeetingsLimit } : {}),
  });
  const rooms = new RoomService({
    ...common,
    meetings,
    instanceId: deps.instanceId,
    ...(modeSwitch ? { modeSwitch } : {}),
  });
  const sweeper = new MeetingSweeper({
    meetings,
    roomService: rooms,
    rooms: store,
    settings: deps.settings,
    instanceId: deps.instanceId,
    logger,
    ...(modeSwitch ? { modeSwitch } : {}),
  });
  const restorer = new RoomStateRestorer({ rooms: store, repo, localPeers, settings: deps.settings });
  sweeper.onStateLost('roomPeers', () => restorer.restore());
  let closed = false;
  return {
    meetings,
    rooms,
    store,
    sweeper,
    settings: deps.settings,
    repo,
    notifier,
    localPeers,
    membership: new RoomMembership(localPeers, store),
    restorer,
    events,
    ...(modeSwitch ? { modeSwitch } : {}),
    start: () => sweeper.start(),
    async handOver(resumeMs: number) {
      // Rolling deploy: the peers stay in the room, to be taken over by their clients on another
      // instance (join_meeting with resumePeerId); what is not taken over within resumeMs is
      // removed by the other instances' sweepers once this instance's liveness key expires.
      await sweeper.stop();
      await store.heartbeat(deps.instanceId, resumeMs);
      const kept = localPeers.takeAll().length;
      logger.info({ peers: kept, resumeMs }, 'meeting peers kept for their clients to resume on another instance');
    },
    async close() {
      if (closed) return;
      closed = true;
      await sweeper.stop();
      // This instance's sockets are closing with it: their peers leave now (while Redis is still
      // there) rather than when the other instances notice that this one is gone.
      for (const [meetingId, peerId] of localPeers.takeAll()) {
        await rooms.removeDisconnected(meetingId, peerId).catch((error: unknown) => {
          logger.warn({ err: error, meetingId }, 'removing a peer at shutdown failed');
        });
      }
      await store.close();
    },
  };
}
