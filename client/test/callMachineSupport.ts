/**
 * A call machine (client/src/meeting/call/machine) with recording ports, for the logic tests:
 * every command is kept, in order; a test may make a port answer (dispatch) or throw.
 */
import type { JoinMeetingResult, Meeting, MeetingMode, Participant } from '@parley/protocol';
import type { CallCommand, CallCommandType } from '../src/meeting/call/machine/CallCommand.js';
import type { CallEvent } from '../src/meeting/call/machine/CallEvent.js';
import { CallMachine } from '../src/meeting/call/machine/CallMachine.js';
import type { CallPorts } from '../src/meeting/call/machine/CallPorts.js';
import { phaseOf } from '../src/meeting/call/machine/CallState.js';

export const SELF_USER = 'user-me';

export const person = (peerId: string, userId = `user-${peerId}`): Participant => ({
  peerId,
  user: { id: userId, username: userId, displayName: userId.toUpperCase() },
});

export const meeting = (overrides: Partial<Meeting> = {}): Meeting => ({
  id: 'm1',
  title: 'Standup',
  hostId: 'user-host',
  access: 'invited',
  status: 'active',
  mode: 'mesh',
  createdAt: '2026-12-07T10:00:00.000Z',
  ...overrides,
});

export const ack = (mode: MeetingMode, selfPeerId: string, participants: Participant[]): JoinMeetingResult => ({
  meeting: meeting({ mode }),
  mode,
  selfPeerId,
  participants,
  iceServers: [],
});

type PortBehaviour = Partial<{ [T in CallCommandType]: (command: Extract<CallCommand, { type: T }>) => unknown }>;

export function recordingMachine(behaviour: PortBehaviour = {}) {
  const commands: CallCommand[] = [];
  const ignored: string[] = [];
  const log = {
    debug: (message: string) => void (message.startsWith('ignored') && ignored.push(message)),
    warn: () => {},
  };
  const machine = new CallMachine({ selfUserId: SELF_USER }, log);
  const ports = new Proxy({} as CallPorts, {
    get:
      (_target, type: CallCommandType) =>
      (command: CallCommand): void | Promise<void> => {
        commands.push(command);
        const respond = behaviour[type] as ((command: CallCommand) => unknown) | undefined;
        const result = respond?.(command);
        return result instanceof Promise ? result.then(() => undefined) : undefined;
      },
  });
  machine.connect(ports);
  const send = (event: CallEvent) => void machine.dispatch(event);
  return {
    machine,
    commands,
    ignored,
    send,
    /** The commands since the last call, then forgotten. */
    take: (): CallCommand[] => commands.splice(0),
    /** Only the command types since the last call. */
    types: (): string[] => commands.splice(0).map((command) => command.type),
    step: () => machine.state.step,
    data: () => machine.state.data,
    phase: () => phaseOf(machine.state.step),
    attempt: () => machine.state.data.attempt,
  };
}

export type RecordingMachine = ReturnType<typeof recordingMachine>;

/** Drives a new machine into a joined call of `mode` with `others` (this page is peer `p-me`). */
export function joined(
  mode: MeetingMode,
  others: Participant[] = [person('p-ada'), person('p-bob')],
): RecordingMachine {
  const call = recordingMachine();
  call.send({ type: 'start' });
  call.send({ type: 'roomInfo', attempt: call.attempt(), meeting: meeting({ mode }), mode });
  if (mode === 'mesh') call.send({ type: 'mediaReady', attempt: call.attempt() });
  call.send({ type: 'joinAck', attempt: call.attempt(), ack: ack(mode, 'p-me', others) });
  call.take();
  return call;
}
