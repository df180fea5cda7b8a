import {
  ServerEvents,
  SfuServerEvents,
  type Meeting,
  type MeetingEndReason,
  type MeetingMode,
  type Participant,
} from '@parley/protocol';
import type { SocketClient } from '../../api/socket.js';

/** What a call does with the server's events about its meeting (those of other meetings are dropped). */
export interface MeetingEventHandlers {
  userJoined(participant: Participant): void;
  userLeft(peerId: string, reason: string, byHost: boolean | undefined): void;
  ended(reason: MeetingEndReason): void;
  /** The meeting's invitation turned inactive (it ended while this page was away). */
  invitationInactive(meeting: Meeting): void;
  hostChanged(hostId: string): void;
  /** The join waits in the lobby of a locked meeting. */
  lobby(): void;
  modeChanged(mode: MeetingMode): void;
  /** sfu:migrate: the meeting's media node is draining. */
  migrate(): void;
}

/** Listens to the meeting events of `meetingId`; returns the function that stops listening. */
export function listenToMeeting(client: SocketClient, meetingId: string, on: MeetingEventHandlers): () => void {
  const stops = [
    client.on(ServerEvents.meetingUserJoined, (event) => {
      if (event.meetingId === meetingId) on.userJoined({ peerId: event.peerId, user: event.user });
    }),
    client.on(ServerEvents.meetingUserLeft, (event) => {
      if (event.meetingId === meetingId) on.userLeft(event.peerId, event.reason, event.byHost);
    }),
    client.on(ServerEvents.meetingEnded, (event) => {
      if (event.meetingId === meetingId) on.ended(event.reason);
    }),
    client.on(ServerEvents.meetingInvitation, (event) => {
      if (event.meeting.id === meetingId && event.status === 'inactive') on.invitationInactive(event.meeting);
    }),
    client.on(ServerEvents.meetingHostChanged, (event) => {
      if (event.meetingId === meetingId) on.hostChanged(event.hostId);
    }),
    client.on(ServerEvents.meetingLobby, (event) => {
      if (event.meetingId === meetingId) on.lobby();
    }),
    client.on(ServerEvents.meetingMode, (event) => {
      if (event.meetingId === meetingId) on.modeChanged(event.mode);
    }),
    client.on(SfuServerEvents.migrate, (event) => {
      if (event.meetingId === meetingId) on.migrate();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
