import type { JoinMeetingResult, RoomFeatureState, User } from '@parley/protocol';
import { Counter } from 'prom-client';
import { createRateLimiter } from '../limits/rateLimiter.js';
import type { MeetingServices } from '../meetings/createMeetingServices.js';
import type { Joinable, MeetingDirectory } from '../meetings/MeetingService.js';
import type { InstanceDeps } from '../instanceDeps.js';
import { Lobby, type LobbySocket } from './Lobby.js';
import { LobbyDecisions } from './LobbyDecisions.js';
import { MemoryRoomFeatureStore } from './MemoryRoomFeatureStore.js';
import { RedisRoomFeatureStore } from './RedisRoomFeatureStore.js';
import { RoomAccess } from './RoomAccess.js';
import { RoomFeatureNotifier } from './RoomFeatureNotifier.js';
import type { RoomFeatureStore } from './RoomFeatureStore.js';
import { RoomHands } from './RoomHands.js';
import { RoomModeration } from './RoomModeration.js';
import { createRoomFeatureRestorer } from './RoomFeatureRestorer.js';

export interface RoomFeatureSettings {
  /** LOBBY_WAIT_MS (default 60 000). */
  lobbyWaitMs: number;
  /** REACTION_RATE_LIMIT: reactions per user per 10 s (default 10). */
  reactionRateLimit: number;
}

export interface RoomFeatureDeps extends InstanceDeps {
  meetings: MeetingServices;
  directory: MeetingDirectory;
  settings: RoomFeatureSettings;
}

export interface RoomFeatures {
  hands: RoomHands;
  moderation: RoomModeration;
  lobby: Lobby;
  store: RoomFeatureStore;
  /** Counts an action for /metrics (parley_room_actions_total). */
  count(action: string): void;
  /**
   * Before `join_meeting`: the lobby gate (removed: refused; locked: wait for the host), then
   * membership of the meeting's conversation (before the others hear of the join, so that their
   * view of its members already has this user). Resolves to the meeting's check, for the join
   * to use instead of reading the meeting again; undefined when the user waited in the lobby.
   */
  beforeJoin(socket: LobbySocket, user: User, meetingId: string): Promise<Joinable | undefined>;
  /** After a successful join: admitted from now on; the room state for the ack. */
  afterJoin(user: User, joined: JoinMeetingResult, socketId: string): Promise<RoomFeatureState>;
  close(): Promise<void>;
}

/** Hands, reactions, moderation, lock and lobby of meeting rooms (server/src/room, docs/meetings.md). */
export function createRoomFeatures(deps: RoomFeatureDeps): RoomFeatures {
  const logger = deps.logger.child({ component: 'room' });
  const { store: rooms, localPeers, rooms: roomService, events } = deps.meetings;
  const redisStore = deps.redis ? new RedisRoomFeatureStore(deps.redis, `${deps.redisPrefix}meetings:`) : undefined;
  const store: RoomFeatureStore = redisStore ?? new MemoryRoomFeatureStore();
  const restorer = redisStore ? createRoomFeatureRestorer(redisStore, { ...deps, logger }) : undefined;
  void restorer?.start();
  const access = new RoomAccess(rooms, localPeers);
  const notifier = new RoomFeatureNotifier(deps.io);
  const decisions = new LobbyDecisions(deps.redis, deps.redisPrefix, logger);
  const actions = new Counter({
    name: 'parley_room_actions_total',
    help: 'Meeting room feature actions (hands, reactions, moderation, lobby)',
    labelNames: ['action'] as const,
    registers: [deps.metrics],
  });
  const hands = new RoomHands({
    rooms,
    store,
    access,
    notifier,
    reactionLimiter: createRateLimiter(
      deps.redis,
      `${deps.redisPrefix}rl:reaction:`,
      deps.settings.reactionRateLimit,
      10,
    ),
  });
  const moderation = new RoomModeration({
    rooms,
    roomService,
    store,
    access,
    notifier,
    meetingNotifier: deps.meetings.notifier,
    repo: deps.meetings.repo,
    directory: deps.directory,
  });
  const lobby = new Lobby({
    meetings: deps.meetings.meetings,
    rooms,
    store,
    access,
    notifier,
    decisions,
    instanceId: deps.instanceId,
    waitMs: deps.settings.lobbyWaitMs,
    logger,
  });
  events.on('ended', (meetingId) => {
    store
      .clear(meetingId)
      .catch((error: unknown) => logger.warn({ err: error, meetingId }, 'room feature cleanup failed'));
  });
  events.on('peerLeft', (event) => {
    if (event.reason === 'left' || event.reason === 'removed') {
      hands
        .lowerOnLeave(event.meetingId, event.peerId, event.userId)
        .catch((error: unknown) => logger.warn({ err: error }, 'lowering a hand on leave failed'));
    }
  });
  return {
    hands,
    moderation,
    lobby,
    store,
    count: (action) => actions.inc({ action }),
    async beforeJoin(socket, user, meetingId) {
      const { joinable, waited } = await lobby.enter(socket, user, meetingId);
      const { conversationId, status } = joinable.meeting;
      if (conversationId && status === 'active') await deps.directory.joinConversation(conversationId, user.id);
      return waited ? undefined : joinable;
    },
    async afterJoin(user, joined, socketId) {
      const meetingId = joined.meeting.id;
      const isHost = joined.meeting.hostId === user.id;
      const [, locked, raised, pending] = await Promise.all([
        store.addAdmitted(meetingId, user.id),
        store.isLocked(meetingId),
        hands.snapshot(meetingId),
        isHost ? lobby.pending(meetingId) : Promise.resolve([]),
      ]);
      if (isHost) for (const request of pending) notifier.lobbyRequest(socketId, request);
      return { locked, hands: raised, ...(isHost ? { lobby: pending } : {}) };
    },
    async close() {
      await restorer?.stop();
      await decisions.close();
    },
  };
}
