/**
 * Socket.io event names. The names of the public contract (PROTOCOL.md) come from the
 * original product documents and must not change.
 */
export const ClientEvents = {
  message: 'message',
  typing: 'typing',
  markRead: 'mark_read',
  startMeeting: 'start_meeting',
  joinMeeting: 'join_meeting',
  leaveMeeting: 'leave_meeting',
  stopMeeting: 'stop_meeting',
  getRoomInfo: 'get_room_info',
  videoSignal: 'video-signal',
  /** Harmless round trip: ack `{ok: true, instanceId}` naming the server process. */
  ping: 'ping',
  /** Parley addition: the page's timeline of its latest join (`MeetingJoinTimeline`), for metrics. */
  meetingJoinTimeline: 'meeting_join_timeline',
} as const;

export const ServerEvents = {
  message: 'message',
  typing: 'typing',
  presence: 'presence',
  read: 'read',
  meetingInvitation: 'meeting_invitation',
  meetingUserJoined: 'meeting_user_joined',
  meetingUserLeft: 'meeting_user_left',
  meetingEnded: 'meeting_ended',
  roomInfoResponse: 'room_info_response',
  meetingMode: 'meeting_mode',
  meetingHostChanged: 'meeting_host_changed',
  videoSignal: 'video-signal',
  /** The socket's session ended (token expired, logout, "log out everywhere"): it is cut next. */
  sessionEnded: 'session_ended',
} as const;

/** `session_ended` (Parley addition): sent just before the server closes the socket. */
export interface SessionEndedEvent {
  reason: 'expired' | 'revoked';
}

export type ClientEventName = (typeof ClientEvents)[keyof typeof ClientEvents];
export type ServerEventName = (typeof ServerEvents)[keyof typeof ServerEvents];
