import type { JoinMeetingResult, MeetingMode, Participant } from '@parley/protocol';

/**
 * What a transition asks the outside world to do, as data. The machine's runner (CallMachine)
 * hands each one to its port (CallPorts); answers come back as events.
 */
export type CallCommand =
  /** A new join timeline for the page's metrics (start, socket marks). */
  | { type: 'beginTimeline' }
  /** get_room_info → `roomInfo` or `failed`. */
  | { type: 'requestRoomInfo'; attempt: number }
  /** Load the SFU code (mediasoup-client) while the camera opens and the join runs. */
  | { type: 'preloadSfu' }
  /** Open camera and microphone at the mode's size → `mediaReady` (if `reportReady`) or `failed`. */
  | { type: 'openMedia'; attempt: number; mode: MeetingMode; reportReady: boolean }
  /** join_meeting → `joinAck` or `failed`. */
  | { type: 'sendJoin'; attempt: number; resumePeerId: string | null; sfuTransports: boolean }
  /** A fresh transport of the ack's mode for `participants` (→ `sessionUnsupported` if none). */
  | { type: 'startSession'; ack: JoinMeetingResult; participants: Participant[] }
  /** A resumed join: the kept mesh links follow the participants listed now. */
  | { type: 'reconcileKept'; before: Participant[]; now: Participant[] }
  | { type: 'addPeer'; participant: Participant; replaced: string[] }
  | { type: 'removePeer'; peerId: string }
  /** meeting_mode: make-before-break to a session of `mode` (→ `switched`, or `sessionUnsupported`). */
  | { type: 'switchMode'; mode: MeetingMode }
  /** sfu:migrate: a second SFU session, then sfu:migrated (→ `switched`, or `sessionUnsupported`). */
  | { type: 'migrate' }
  /** Close every transport (sessions). */
  | { type: 'closeTransports' }
  /** The call is over: ICE server refreshes and every local track stop. */
  | { type: 'releaseMedia' }
  /** leave_meeting (a leave the page waits for carries a timeout). */
  | { type: 'leaveRoom'; timeoutMs?: number }
  | { type: 'warn'; message: string; detail: unknown };

export type CallCommandType = CallCommand['type'];
