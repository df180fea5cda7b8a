import type { SocketHandlers } from './SocketHandlers.js';

/**
 * Counts each socket in the user's presence: connected now, gone on disconnect. PresenceService
 * tells the user's contacts of the changes.
 */
export const presenceHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;
  const failed = (error: unknown) => app.logger.warn({ err: error, userId }, 'presence update failed');
  app.presence.connected(userId, socket.id).catch(failed);
  socket.on('disconnect', () => {
    app.presence.disconnected(userId, socket.id).catch(failed);
  });
};
