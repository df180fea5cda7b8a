import type { CallEvent, CallEventOf } from './CallEvent.js';
import type { CallState } from './CallState.js';
import { connected, disconnected, serverRestarting } from './connectionTransitions.js';
import {
  failed,
  joinAck,
  leave,
  mediaReady,
  roomInfo,
  sessionUnsupported,
  start,
  stopFailed,
  stopped,
} from './joinTransitions.js';
import {
  hostChanged,
  invitationInactive,
  lobby,
  meetingEnded,
  migrate,
  modeChanged,
  switched,
  userJoined,
  userLeft,
} from './meetingTransitions.js';
import type { CallConfig, Transition, TransitionRow, TransitionTable } from './Transition.js';

/** Every event of a call, the states it is legal in and what it does there. */
export const callTransitions: TransitionTable = {
  start,
  leave,
  stopped,
  stopFailed,
  roomInfo,
  mediaReady,
  joinAck,
  failed,
  sessionUnsupported,
  switched,
  disconnected,
  connected,
  serverRestarting,
  userJoined,
  userLeft,
  meetingEnded,
  invitationInactive,
  hostChanged,
  lobby,
  modeChanged,
  migrate,
};

/** The call's next state for an event, or null when the event is ignored in this state. */
export function transition(state: CallState, event: CallEvent, config: CallConfig): Transition | null {
  const row = callTransitions[event.type] as TransitionRow<CallEventOf<typeof event.type>>;
  if (row.from !== 'any' && !row.from.includes(state.step.name)) return null;
  return row.run(state, event, config);
}
