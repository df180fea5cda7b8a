import { ServerEvents } from '@parley/protocol';
import type { AppContext } from '../context.js';
import type { SocketHandlers } from './SocketHandlers.js';
import { userRoom } from '../clientRooms.js';

/** Counts each socket in the user's presence: connected now, gone on disconnect. */
export const presenceHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;
  const failed = (error: unknown) => app.logger.warn({ err: error, userId }, 'presence update failed');
  app.presence.connected(userId, socket.id).catch(failed);
  socket.on('disconnect', () => {
    app.presence.disconnected(userId, socket.id).catch(failed);
  });
};

/** Sends presence changes (`presence` {userId, status, lastSeenAt}) to the user's contacts. */
export function relayPresence(app: AppContext): void {
  app.presence.onChange((recipientIds, event) => {
    app.io.to(recipientIds.map(userRoom)).emit(ServerEvents.presence, event);
  });
}
