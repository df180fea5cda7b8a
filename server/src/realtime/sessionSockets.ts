import { ServerEvents, type SessionEndedEvent } from '@parley/protocol';
import type { AppContext } from '../context.js';
import { userRoom } from '../clientRooms.js';
import type { ParleySocket } from './types.js';

/** The room of every socket opened with one session token, on every instance. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** setTimeout's longest delay (about 24.8 days); longer sessions re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function cut(socket: ParleySocket, reason: SessionEndedEvent['reason']): void {
  if (!socket.connected) return;
  socket.emit(ServerEvents.sessionEnded, { reason } satisfies SessionEndedEvent);
  socket.disconnect(true);
}

function armExpiry(socket: ParleySocket, expiresAt: number): void {
  const wait = expiresAt - Date.now();
  if (wait <= 0) return cut(socket, 'expired');
  const timer = setTimeout(
    () => (wait > MAX_TIMER_MS ? armExpiry(socket, expiresAt) : cut(socket, 'expired')),
    Math.min(wait, MAX_TIMER_MS),
  );
  timer.unref();
  socket.once('disconnect', () => clearTimeout(timer));
}

/**
 * Ties a newly connected socket to its session: it joins `session:<id>` (so a logout reaches it
 * on any instance), is cut when its token expires, and is checked once more after joining, so a
 * logout that raced with the handshake cannot leave it open.
 */
export function watchSession(socket: ParleySocket, app: AppContext): void {
  const session = socket.data.session;
  if (!session) return;
  void socket.join(sessionRoom(session.id));
  armExpiry(socket, session.expiresAt);
  app.auth.isLive(socket.data.user.id, session.id).then(
    (live) => {
      if (!live) cut(socket, 'revoked');
    },
    (error: unknown) => app.logger.warn({ err: error }, 'session re-check failed'),
  );
}

/**
 * Cuts the open sockets of revoked sessions: a logout closes the sockets of that session, "log
 * out everywhere" every socket of the user, on every instance (through the Socket.io adapter).
 */
export function cutRevokedSessions(app: AppContext): () => void {
  return app.auth.onRevoked((revocation) => {
    const room = 'sessionId' in revocation ? sessionRoom(revocation.sessionId) : userRoom(revocation.userId);
    app.io.to(room).emit(ServerEvents.sessionEnded, { reason: 'revoked' } satisfies SessionEndedEvent);
    app.io.in(room).disconnectSockets(true);
  });
}
