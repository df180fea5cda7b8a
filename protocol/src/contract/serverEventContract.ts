import { ServerEvents, type SessionEndedEvent } from '../events.js';
import type { PresenceEvent } from '../types.js';
import type { ChatMessageEvent, ReadEvent, TypingEvent } from '../schemas/chat.js';
import type {
  MeetingEndedEvent,
  MeetingHostChangedEvent,
  MeetingInvitationEvent,
  MeetingModeEvent,
  MeetingUserJoinedEvent,
  MeetingUserLeftEvent,
  RoomInfo,
  VideoSignalRelay,
} from '../schemas/meetings.js';
import type {
  HandRaisedEvent,
  LobbyCancelledEvent,
  LobbyRequestEvent,
  MeetingLobbyEvent,
  MeetingLockEvent,
  MutedByHostEvent,
  ParticipantMutedEvent,
  ReactionEvent,
} from '../schemas/room.js';
import type * as Sfu from '../schemas/sfu.js';
import { SfuServerEvents } from '../schemas/sfu.js';
import { wireShape } from './wireShape.js';

/** `resync` (Parley addition): events from other instances may have been missed; catch up. */
export interface ResyncEvent {
  reason: 'delivery_gap';
}

/** `server_restarting` (Parley addition): reconnect, and rejoin within `resumeWithinMs` with `resumePeerId`. */
export interface ServerRestartingEvent {
  resumeWithinMs: number;
}

/**
 * The socket contract, server→client half: every event the server sends and its payload's
 * schema (docs/protocol.md, "The contract table"). The server's emits and the clients'
 * listeners take their types from here.
 */
export const ServerEventContract = {
  // chat and presence
  [ServerEvents.message]: { payload: wireShape<ChatMessageEvent>() },
  [ServerEvents.typing]: { payload: wireShape<TypingEvent>() },
  [ServerEvents.presence]: { payload: wireShape<PresenceEvent>() },
  [ServerEvents.read]: { payload: wireShape<ReadEvent>() },
  // meetings
  [ServerEvents.meetingInvitation]: { payload: wireShape<MeetingInvitationEvent>() },
  [ServerEvents.meetingUserJoined]: { payload: wireShape<MeetingUserJoinedEvent>() },
  [ServerEvents.meetingUserLeft]: { payload: wireShape<MeetingUserLeftEvent>() },
  [ServerEvents.meetingEnded]: { payload: wireShape<MeetingEndedEvent>() },
  [ServerEvents.roomInfoResponse]: { payload: wireShape<RoomInfo>() },
  [ServerEvents.meetingMode]: { payload: wireShape<MeetingModeEvent>() },
  [ServerEvents.meetingHostChanged]: { payload: wireShape<MeetingHostChangedEvent>() },
  [ServerEvents.videoSignal]: { payload: wireShape<VideoSignalRelay>() },
  // meeting room features
  [ServerEvents.handRaised]: { payload: wireShape<HandRaisedEvent>() },
  [ServerEvents.reaction]: { payload: wireShape<ReactionEvent>() },
  [ServerEvents.mutedByHost]: { payload: wireShape<MutedByHostEvent>() },
  [ServerEvents.participantMuted]: { payload: wireShape<ParticipantMutedEvent>() },
  [ServerEvents.meetingLock]: { payload: wireShape<MeetingLockEvent>() },
  [ServerEvents.lobbyRequest]: { payload: wireShape<LobbyRequestEvent>() },
  [ServerEvents.lobbyCancelled]: { payload: wireShape<LobbyCancelledEvent>() },
  [ServerEvents.meetingLobby]: { payload: wireShape<MeetingLobbyEvent>() },
  // the connection
  [ServerEvents.sessionEnded]: { payload: wireShape<SessionEndedEvent>() },
  [ServerEvents.resync]: { payload: wireShape<ResyncEvent>() },
  [ServerEvents.serverRestarting]: { payload: wireShape<ServerRestartingEvent>() },
  // sfu
  [SfuServerEvents.newProducer]: { payload: wireShape<Sfu.SfuNewProducerEvent>() },
  [SfuServerEvents.producerClosed]: { payload: wireShape<Sfu.SfuProducerEvent>() },
  [SfuServerEvents.producerPaused]: { payload: wireShape<Sfu.SfuProducerEvent>() },
  [SfuServerEvents.producerResumed]: { payload: wireShape<Sfu.SfuProducerEvent>() },
  [SfuServerEvents.consumerClosed]: { payload: wireShape<Sfu.SfuConsumerClosedEvent>() },
  [SfuServerEvents.activeSpeaker]: { payload: wireShape<Sfu.SfuActiveSpeakerEvent>() },
  [SfuServerEvents.transportsReset]: { payload: wireShape<Sfu.SfuTransportsResetEvent>() },
  [SfuServerEvents.migrate]: { payload: wireShape<Sfu.SfuMigrateEvent>() },
} as const;

/** Every server→client event name of the contract. */
export type ServerEventName = keyof typeof ServerEventContract;
