import type { ClientToServerEvents, ServerToClientEvents, User } from '@parley/protocol';
import type { Server, Socket } from 'socket.io';

/** What the handshake stores on each authenticated socket. */
export interface SocketData {
  user: User;
  /** The session of the handshake's token (cut when it expires or is revoked). */
  session?: { id: string; expiresAt: number };
  /** The latest join_meeting acknowledged on this socket (meetings/joinMetrics.ts). */
  join?: { at: number; consumed: boolean; timeline: boolean };
}

/** Instances talk through the Redis adapter's rooms only, never with events of their own. */
export type InterServerEvents = Record<never, never>;

/**
 * The Socket.io server and its sockets, typed by the socket contract (`ClientEventContract` and
 * `ServerEventContract` of `@parley/protocol`). Payloads are still checked at run time with the
 * contract's schemas (onEvent): the types say what a well-behaved client sends.
 */
export type ParleyServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type ParleySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
