import type { Meeting, MeetingEndReason, MeetingMode, Participant, RoomFeatureState } from '@parley/protocol';
import type { CallPhase } from '../MeetingCall.js';
import type { CallEvent } from './CallEvent.js';

/**
 * The states of a call with its transport running (data-phase `joined`). `switching`: a
 * make-before-break move (meeting_mode) from a session of `from` to one of the call's
 * `transport`; `migrating`: sfu:migrate, a second SFU session on the new media node.
 */
export type InCallStep =
  { name: 'inMesh' } | { name: 'inSfu' } | { name: 'switching'; from: MeetingMode } | { name: 'migrating' };

export type InCallName = InCallStep['name'];

/** How a call is over (the page shows Rejoin, Try again or why). */
export type EndPhase = Extract<CallPhase, 'left' | 'ended' | 'replaced' | 'removed' | 'unavailable' | 'error'>;

/**
 * Where a call is. `kept` (reconnecting, resuming): a deploy hand-over kept the mesh links
 * running; it is the in-call state they were in, returned to when the resumed join is taken over.
 */
export type CallStep =
  | { name: 'idle' } // created, start not yet dispatched
  | { name: 'starting' } // get_room_info sent
  | { name: 'media' } // opening camera and microphone (mesh: before the join)
  | { name: 'joining' } // join_meeting sent
  | { name: 'lobby' } // the join waits in a locked meeting's lobby
  | { name: 'resuming'; kept: InCallStep | null } // join_meeting sent to resume this peer after a deploy
  | InCallStep
  | { name: 'reconnecting'; kept: InCallStep | null } // the socket is away
  | { name: 'over'; phase: EndPhase };

export type CallStepName = CallStep['name'];

/** What the page shows of the call, and what the machine needs to decide. */
export interface CallData {
  /** Bumped whenever a call attempt ends: results of older attempts are stale. */
  attempt: number;
  meeting: Meeting | null;
  mode: MeetingMode;
  selfPeerId: string | null;
  /** The other participants, one per user, in joining order. */
  participants: Participant[];
  error: string | null;
  endReason: MeetingEndReason | null;
  room: RoomFeatureState | null;
  /** The mode of the session the page shows now (the new one during a switch), null if none runs. */
  transport: MeetingMode | null;
  /** Meeting events that arrived while join_meeting is in flight, applied after its ack. */
  queued: CallEvent[] | null;
  /** server_restarting: the peer the next join resumes (once). */
  restartPeerId: string | null;
  /** The peer that the join in flight asked to resume. */
  joinResumePeerId: string | null;
}

export interface CallState {
  readonly step: CallStep;
  readonly data: CallData;
}

export const initialCallState: CallState = {
  step: { name: 'idle' },
  data: {
    attempt: 0,
    meeting: null,
    mode: 'mesh',
    selfPeerId: null,
    participants: [],
    error: null,
    endReason: null,
    room: null,
    transport: null,
    queued: null,
    restartPeerId: null,
    joinResumePeerId: null,
  },
};

const PHASES: Record<Exclude<CallStepName, 'over'>, CallPhase> = {
  idle: 'starting',
  starting: 'starting',
  media: 'media',
  joining: 'joining',
  lobby: 'lobby',
  resuming: 'reconnecting', // a deploy hand-over keeps the call on screen until the resumed join is in
  inMesh: 'joined',
  inSfu: 'joined',
  switching: 'joined',
  migrating: 'joined',
  reconnecting: 'reconnecting',
};

/** The page's phase (`data-phase`) in a step. */
export function phaseOf(step: CallStep): CallPhase {
  return step.name === 'over' ? step.phase : PHASES[step.name];
}

const IN_CALL: readonly CallStepName[] = ['inMesh', 'inSfu', 'switching', 'migrating'];

export function isInCall(step: CallStep): step is InCallStep {
  return IN_CALL.includes(step.name);
}

/** Not over yet: Rejoin is not offered, meeting_ended still ends it. */
export function isLive(step: CallStep): boolean {
  return step.name !== 'over';
}

/** The in-call state of a session of `mode` with no switch under way. */
export function settledIn(mode: MeetingMode): 'inMesh' | 'inSfu' {
  return mode === 'mesh' ? 'inMesh' : 'inSfu';
}
