import { ClientEvents, ServerEvents } from '@parley/protocol';
import type {
  JoinMeetingResult,
  LeaveReason,
  MarkRead,
  Meeting,
  MeetingEndReason,
  MeetingMode,
  MeetingJoinTimeline,
  MeetingRef,
  Message,
  Participant,
  PresenceEvent,
  JoinMeeting,
  SendMessage,
  SignalPayload,
  StartMeeting,
  Typing,
  User,
  VideoSignal,
} from '@parley/protocol';

/**
 * Payload and acknowledgement of every client→server event (docs/protocol.md). The ack listed here is
 * the success body without `ok`; failures arrive as `ApiError`.
 */
export interface ClientRequests {
  [ClientEvents.message]: { payload: SendMessage; ack: { message: Message } };
  [ClientEvents.typing]: { payload: Typing; ack: object };
  [ClientEvents.markRead]: { payload: MarkRead; ack: object };
  [ClientEvents.startMeeting]: { payload: StartMeeting; ack: { meeting: Meeting } };
  [ClientEvents.joinMeeting]: { payload: JoinMeeting; ack: JoinMeetingResult };
  [ClientEvents.leaveMeeting]: { payload: MeetingRef; ack: object };
  [ClientEvents.stopMeeting]: { payload: MeetingRef; ack: object };
  [ClientEvents.getRoomInfo]: { payload: MeetingRef; ack: RoomInfo };
  [ClientEvents.videoSignal]: { payload: VideoSignal; ack: object };
  [ClientEvents.meetingJoinTimeline]: { payload: MeetingJoinTimeline; ack: object };
}

export interface RoomInfo {
  meeting: Meeting;
  mode: MeetingMode;
  participants: Participant[];
}

/** Payload of every server→client event this client listens to. */
export interface ServerPushes {
  [ServerEvents.message]: { message: Message };
  [ServerEvents.typing]: { conversationId: string; userId: string; isTyping: boolean };
  [ServerEvents.presence]: PresenceEvent;
  [ServerEvents.meetingInvitation]: { meeting: Meeting; status: 'active' | 'inactive' };
  [ServerEvents.meetingUserJoined]: { meetingId: string; peerId: string; user: User };
  [ServerEvents.meetingUserLeft]: {
    meetingId: string;
    peerId: string;
    userId: string;
    reason: LeaveReason;
    byHost?: boolean;
  };
  [ServerEvents.meetingEnded]: { meetingId: string; reason: MeetingEndReason };
  [ServerEvents.roomInfoResponse]: RoomInfo;
  [ServerEvents.meetingMode]: { meetingId: string; mode: MeetingMode };
  [ServerEvents.videoSignal]: { meetingId: string; from: string; signal: SignalPayload };
}

export type ClientRequestName = keyof ClientRequests;
export type ServerPushName = keyof ServerPushes;
