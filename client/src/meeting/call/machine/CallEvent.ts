import type { JoinMeetingResult, Meeting, MeetingEndReason, MeetingMode, Participant } from '@parley/protocol';

/**
 * What happens to a call: the page's actions, the answers of its own requests (tagged with the
 * attempt that sent them, so answers of an attempt given up are told apart), the socket, the
 * server's meeting events and the transports.
 */
export type CallEvent =
  // the page
  | { type: 'start' } // on creation, and Rejoin / Try again
  | { type: 'leave' }
  | { type: 'stopped' } // stop_meeting was answered
  | { type: 'stopFailed'; failure: unknown }
  // answers to the call's own steps
  | { type: 'roomInfo'; attempt: number; meeting: Meeting; mode: MeetingMode }
  | { type: 'mediaReady'; attempt: number } // mesh: camera and microphone are open
  | { type: 'joinAck'; attempt: number; ack: JoinMeetingResult }
  | { type: 'failed'; attempt: number; failure: unknown }
  | { type: 'sessionUnsupported'; mode: MeetingMode } // no transport for this mode in this client
  | { type: 'switched' } // the make-before-break switch closed the previous transport
  // the socket
  | { type: 'disconnected' }
  | { type: 'connected' }
  | { type: 'serverRestarting' }
  // the server's events about this meeting
  | { type: 'userJoined'; participant: Participant }
  | { type: 'userLeft'; peerId: string; reason: string; byHost?: boolean }
  | { type: 'meetingEnded'; reason: MeetingEndReason }
  | { type: 'invitationInactive'; meeting: Meeting }
  | { type: 'hostChanged'; hostId: string }
  | { type: 'lobby' }
  | { type: 'modeChanged'; mode: MeetingMode }
  | { type: 'migrate' }; // sfu:migrate: the meeting's media node is draining

export type CallEventType = CallEvent['type'];

export type CallEventOf<T extends CallEventType> = Extract<CallEvent, { type: T }>;
