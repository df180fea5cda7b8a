import { ClientEvents } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/** `typing` → ack `{ok}` (TypingService relays it to the other members, throttled). */
export const typingHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;

  onEvent(socket, ClientEvents.typing, async (data) => {
    await app.chat.typing.update(userId, data);
  });
};
