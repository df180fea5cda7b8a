import { ClientEvents } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * `video-signal` (mesh mode): `{meetingId, to, signal}` is relayed as `{meetingId, from, signal}`
 * to exactly the socket of peer `to`, on whichever instance holds it. Only a current participant
 * may signal, and only to a peer of the same meeting.
 */
export const signalHandlers: SocketHandlers = (socket, app) => {
  onEvent(socket, ClientEvents.videoSignal, async (data) => {
    await app.meetings.rooms.relaySignal(socket, data);
  });
};
