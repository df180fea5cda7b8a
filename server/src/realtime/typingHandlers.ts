import { ClientEvents, ServerEvents, type TypingEvent } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';
import { userRoom } from '../clientRooms.js';

/**
 * `typing` → ack `{ok}`; relayed to the other members at most about once a second per user and
 * conversation (TypingThrottle: a change within the interval goes at its end).
 */
export const typingHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;

  onEvent(socket, ClientEvents.typing, async (data) => {
    const relay = (recipientIds: string[]) => {
      if (recipientIds.length === 0) return;
      const event: TypingEvent = { conversationId: data.conversationId, userId, isTyping: data.isTyping };
      app.io.to(recipientIds.map(userRoom)).emit(ServerEvents.typing, event);
    };
    relay((await app.chat.typing.update(userId, data, relay)).recipientIds);
  });
};
