import type { AppContext } from '../context.js';
import type { ParleySocket } from './types.js';

/** Registers a feature's events on one newly connected, authenticated socket. */
export type SocketHandlers = (socket: ParleySocket, app: AppContext) => void;
