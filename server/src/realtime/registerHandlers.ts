import type { AppContext } from '../context.js';
import { chatHandlers } from './chatHandlers.js';
import { meetingHandlers } from './meetingHandlers.js';
import { pingHandlers } from './ping.js';
import { presenceHandlers } from './presenceHandlers.js';
import { roomHandlers } from './roomHandlers.js';
import { sfuHandlers } from './sfuHandlers.js';
import { signalHandlers } from './signalHandlers.js';
import type { SocketHandlers } from './SocketHandlers.js';
import type { ParleySocket } from './types.js';
import { typingHandlers } from './typingHandlers.js';
import { answerUnknownEvents } from './unknownEvents.js';

/** Every feature's socket handlers. Features add theirs here. */
export const socketHandlers: SocketHandlers[] = [
  pingHandlers,
  meetingHandlers,
  roomHandlers,
  signalHandlers,
  sfuHandlers,
  presenceHandlers,
  chatHandlers,
  typingHandlers,
];

export function registerHandlers(socket: ParleySocket, app: AppContext): void {
  for (const register of socketHandlers) register(socket, app);
  answerUnknownEvents(socket);
}
