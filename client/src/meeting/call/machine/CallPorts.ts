import type { CallCommand, CallCommandType } from './CallCommand.js';

/**
 * What carries out the machine's commands: the socket requests, local media, the sessions
 * (createMeetingCall's callPorts.ts). A port never decides; what it learns comes back through
 * `dispatch` as an event. A promise returned is what the page may wait for (leave).
 */
export type CallPorts = {
  [T in CallCommandType]: (command: Extract<CallCommand, { type: T }>) => void | Promise<void>;
};
