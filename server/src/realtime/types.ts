import type { User } from '@parley/protocol';
import type { Server, Socket } from 'socket.io';

/** What the handshake stores on each authenticated socket. */
export interface SocketData {
  user: User;
  /** The session of the handshake's token (cut when it expires or is revoked). */
  session?: { id: string; expiresAt: number };
  /** The latest join_meeting acknowledged on this socket (meetings/joinMetrics.ts). */
  join?: { at: number; consumed: boolean; timeline: boolean };
}

// Events are validated at run time with the protocol schemas (onEvent), so the maps stay open.
type AnyEvents = Record<string, (...args: any[]) => void>;

export type ParleyServer = Server<AnyEvents, AnyEvents, AnyEvents, SocketData>;
export type ParleySocket = Socket<AnyEvents, AnyEvents, AnyEvents, SocketData>;
