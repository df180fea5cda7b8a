/**
 * Socket.io event names. The names of the public contract (docs/protocol.md) come from the
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
  raiseHand: 'raise_hand',
  lowerHand: 'lower_hand',
  reaction: 'reaction',
  muteParticipant: 'mute_participant',
  muteEveryone: 'mute_everyone',
  removeParticipant: 'remove_participant',
  inviteParticipants: 'invite_participants',
  setMeetingLock: 'set_meeting_lock',
  admit: 'admit',
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
  handRaised: 'hand_raised',
  reaction: 'reaction',
  mutedByHost: 'muted_by_host',
  participantMuted: 'participant_muted',
  meetingLock: 'meeting_lock',
  lobbyRequest: 'lobby_request',
  lobbyCancelled: 'lobby_cancelled',
  meetingLobby: 'meeting_lobby',
  /** The socket's session ended (token expired, logout, "log out everywhere"): it is cut next. */
  sessionEnded: 'session_ended',
  /**
   * `{reason: 'delivery_gap'}`: this instance lost its Redis link for a while, so events from
   * other instances may have been missed; the client catches up as after a reconnection.
   */
  resync: 'resync',
  /**
   * `{resumeWithinMs}`: this instance is stopping (a rolling deploy). The client reconnects (to
   * another instance behind the proxy) and joins its meetings again with `resumePeerId`; its
   * peers are kept that long.
   */
  serverRestarting: 'server_restarting',
} as const;

/** `session_ended` (Parley addition): sent just before the server closes the socket. */
export interface SessionEndedEvent {
  reason: 'expired' | 'revoked';
}
