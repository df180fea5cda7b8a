import {
  ServerEvents,
  type HandRaisedEvent,
  type LobbyCancelledEvent,
  type LobbyRequestEvent,
  type MeetingLockEvent,
  type MeetingLobbyEvent,
  type MeetingUserLeftEvent,
  type MutedByHostEvent,
  type ParticipantMutedEvent,
  type ReactionEvent,
} from '@parley/protocol';
import { meetingRoom } from '../meetings/MeetingNotifier.js';
import type { ClientRooms } from '../clientRooms.js';

/**
 * The events of the meeting room features. Rooms span instances (Redis adapter) and a socket id
 * is a room too, so these reach sockets on any instance.
 */
export class RoomFeatureNotifier {
  constructor(private readonly io: ClientRooms) {}

  handRaised(event: HandRaisedEvent): void {
    this.io.to(meetingRoom(event.meetingId)).emit(ServerEvents.handRaised, event);
  }

  reaction(event: ReactionEvent): void {
    this.io.to(meetingRoom(event.meetingId)).emit(ServerEvents.reaction, event);
  }

  mutedByHost(socketId: string, event: MutedByHostEvent): void {
    this.io.to(socketId).emit(ServerEvents.mutedByHost, event);
  }

  participantMuted(event: ParticipantMutedEvent): void {
    this.io.to(meetingRoom(event.meetingId)).emit(ServerEvents.participantMuted, event);
  }

  /** To the whole room, the removed participant's socket included (it is still in the room). */
  removed(event: MeetingUserLeftEvent): void {
    this.io.to(meetingRoom(event.meetingId)).emit(ServerEvents.meetingUserLeft, event);
  }

  lock(event: MeetingLockEvent): void {
    this.io.to(meetingRoom(event.meetingId)).emit(ServerEvents.meetingLock, event);
  }

  lobbyRequest(socketId: string, event: LobbyRequestEvent): void {
    this.io.to(socketId).emit(ServerEvents.lobbyRequest, event);
  }

  lobbyCancelled(socketId: string, event: LobbyCancelledEvent): void {
    this.io.to(socketId).emit(ServerEvents.lobbyCancelled, event);
  }

  waiting(socketId: string, event: MeetingLobbyEvent): void {
    this.io.to(socketId).emit(ServerEvents.meetingLobby, event);
  }
}
