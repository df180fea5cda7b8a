import {
  ServerEvents,
  type LeaveReason,
  type Meeting,
  type MeetingEndReason,
  type MeetingMode,
  type SignalPayload,
  type User,
  type InvitationStatus,
} from '@parley/protocol';
import { userRoom, type ClientRooms } from '../clientRooms.js';

/** The Socket.io room of a meeting's participants' sockets (on every instance). */
export const meetingRoom = (meetingId: string): string => `meeting:${meetingId}`;

/**
 * Every meeting event the server sends. Rooms span instances through the Redis adapter, and a
 * socket id is a room too, so all of these reach sockets held by any instance.
 */
export class MeetingNotifier {
  constructor(private readonly io: ClientRooms) {}

  invitation(userIds: readonly string[], meeting: Meeting, status: InvitationStatus): void {
    if (userIds.length === 0) return;
    this.io.to(userIds.map(userRoom)).emit(ServerEvents.meetingInvitation, { meeting, status });
  }

  /** Catch-up on connect: straight to one socket. */
  invitationTo(socketId: string, meeting: Meeting): void {
    this.io.to(socketId).emit(ServerEvents.meetingInvitation, { meeting, status: 'active' });
  }

  userJoined(meetingId: string, exceptSocketId: string, peerId: string, user: User): void {
    this.io
      .to(meetingRoom(meetingId))
      .except(exceptSocketId)
      .emit(ServerEvents.meetingUserJoined, { meetingId, peerId, user });
  }

  /** `byHost`: removed by the host (`remove_participant`), as opposed to replaced by a new join. */
  userLeft(
    meetingId: string,
    peerId: string,
    userId: string,
    reason: LeaveReason,
    exceptSocketId?: string,
    byHost = false,
  ): void {
    const target = this.io.to(meetingRoom(meetingId));
    (exceptSocketId ? target.except(exceptSocketId) : target).emit(ServerEvents.meetingUserLeft, {
      meetingId,
      peerId,
      userId,
      reason,
      ...(byHost ? { byHost: true } : {}),
    });
  }

  ended(meetingId: string, reason: MeetingEndReason): void {
    this.io.to(meetingRoom(meetingId)).emit(ServerEvents.meetingEnded, { meetingId, reason });
  }

  hostChanged(meetingId: string, hostId: string): void {
    this.io.to(meetingRoom(meetingId)).emit(ServerEvents.meetingHostChanged, { meetingId, hostId });
  }

  mode(meetingId: string, mode: MeetingMode): void {
    this.io.to(meetingRoom(meetingId)).emit(ServerEvents.meetingMode, { meetingId, mode });
  }

  signal(toSocketId: string, meetingId: string, from: string, signal: SignalPayload): void {
    this.io.to(toSocketId).emit(ServerEvents.videoSignal, { meetingId, from, signal });
  }

  /** Takes one socket (on any instance) out of the meeting's room. */
  leaveRoom(socketId: string, meetingId: string): void {
    this.io.in(socketId).socketsLeave(meetingRoom(meetingId));
  }

  /** Takes every socket out of the meeting's room. */
  emptyRoom(meetingId: string): void {
    this.io.in(meetingRoom(meetingId)).socketsLeave(meetingRoom(meetingId));
  }
}
