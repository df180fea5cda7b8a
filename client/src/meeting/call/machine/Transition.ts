import type { CallCommand } from './CallCommand.js';
import type { CallEvent, CallEventOf, CallEventType } from './CallEvent.js';
import type { CallData, CallState, CallStep, CallStepName } from './CallState.js';

/** What an event does to a call: its next state, the commands it asks for, events to apply next. */
export interface Transition {
  state: CallState;
  commands: CallCommand[];
  /** Meeting events held during a join, applied (in order) once it is in. */
  replay?: CallEvent[];
}

export interface CallConfig {
  /** The signed-in user: their own other tabs are never listed as participants. */
  selfUserId: string;
}

/** Null: the event means nothing in this state (or is a stale answer) and is ignored. */
export type TransitionHandler<E extends CallEvent> = (
  state: CallState,
  event: E,
  config: CallConfig,
) => Transition | null;

/** One row of the table: the states an event is legal in, and what it does there. */
export interface TransitionRow<E extends CallEvent> {
  from: readonly CallStepName[] | 'any';
  run: TransitionHandler<E>;
}

export type TransitionTable = { [T in CallEventType]: TransitionRow<CallEventOf<T>> };

export function to(step: CallStep, data: CallData, commands: CallCommand[] = [], replay?: CallEvent[]): Transition {
  return replay ? { state: { step, data }, commands, replay } : { state: { step, data }, commands };
}
