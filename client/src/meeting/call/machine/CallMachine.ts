import type { MeetingLogger } from '../../meetingLog.js';
import type { CallCommand } from './CallCommand.js';
import type { CallEvent } from './CallEvent.js';
import type { CallPorts } from './CallPorts.js';
import { initialCallState, type CallState } from './CallState.js';
import { transition } from './callTransitions.js';
import type { CallConfig } from './Transition.js';

export type CallStateListener = (state: CallState, previous: CallState) => void;

/**
 * Runs a call's transitions (callTransitions.ts) one event at a time: the new state is published
 * to the listener, then each command goes to its port. Events dispatched while one is being
 * handled (a port's synchronous answer, the meeting events held during a join) wait their turn.
 * An event that means nothing in the current state is ignored, with a debug line. A port that
 * throws fails the call's current attempt.
 */
export class CallMachine {
  private current: CallState = initialCallState;
  private readonly pending: CallEvent[] = [];
  private running = false;
  private ports: CallPorts | null = null;
  private readonly listeners = new Set<CallStateListener>();

  constructor(
    private readonly config: CallConfig,
    private readonly log: Pick<MeetingLogger, 'debug' | 'warn'>,
  ) {}

  get state(): CallState {
    return this.current;
  }

  /** The ports are set once, after the machine exists (they dispatch back to it). */
  connect(ports: CallPorts): void {
    this.ports = ports;
  }

  subscribe(listener: CallStateListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Handles `event` (after those already waiting); resolves once the commands it asked for that return a promise are done. */
  dispatch(event: CallEvent): Promise<void> {
    this.pending.push(event);
    if (this.running) return Promise.resolve();
    this.running = true;
    const waits: Promise<void>[] = [];
    try {
      for (let next = this.pending.shift(); next; next = this.pending.shift()) waits.push(...this.handle(next));
    } finally {
      this.running = false;
    }
    return Promise.all(waits).then(() => undefined);
  }

  private handle(event: CallEvent): Promise<void>[] {
    const previous = this.current;
    const step = transition(previous, event, this.config);
    if (!step) {
      this.log.debug(`ignored ${event.type} in ${previous.step.name}`);
      return [];
    }
    this.current = step.state;
    if (step.state.step.name !== previous.step.name)
      this.log.debug(`${previous.step.name} → ${step.state.step.name} (${event.type})`);
    for (const listener of this.listeners) listener(this.current, previous);
    const waits = step.commands.flatMap((command) => this.run(command));
    // Held meeting events come right after the join and what its commands answered.
    if (step.replay?.length) this.pending.push(...step.replay);
    return waits;
  }

  private run(command: CallCommand): Promise<void>[] {
    if (!this.ports) throw new Error('CallMachine: no ports connected');
    try {
      const result = (this.ports[command.type] as (command: CallCommand) => void | Promise<void>)(command);
      return result ? [result] : [];
    } catch (failure) {
      // As a step of the call that threw: the attempt fails (ignored once it is over).
      this.pending.push({ type: 'failed', attempt: this.current.data.attempt, failure });
      return [];
    }
  }
}
