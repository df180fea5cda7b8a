import { ClientEvents, ServerEvents, Typing, type TypingEvent } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './registerHandlers.js';
import { userRoom } from './types.js';

/** `typing` → ack `{ok}`; relayed to the other members unless the server-side throttle drops it. */
export const typingHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;

  onEvent(socket, ClientEvents.typing, Typing, async (data) => {
    const { recipientIds } = await app.chat.typing.update(userId, data);
    if (recipientIds.length > 0) {
      const event: TypingEvent = { conversationId: data.conversationId, userId, isTyping: data.isTyping };
      app.io.to(recipientIds.map(userRoom)).emit(ServerEvents.typing, event);
    }
  });
};
