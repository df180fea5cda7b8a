import { ClientEvents } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';

/**
 * `message` → ack `{ok, message}` (MessageService stores it and delivers it to every member).
 * `mark_read` → ack `{ok, conversationId, messageId, unreadCount}` (ReadStateService moves the
 * mark and tells every socket of the user).
 */
export const chatHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;

  onEvent(socket, ClientEvents.message, async (data) => {
    const { message } = await app.chat.messages.send(userId, data);
    return { message };
  });

  onEvent(socket, ClientEvents.markRead, async (data) => {
    const state = await app.chat.readState.markRead(userId, data.conversationId, data.messageId);
    return { ...state };
  });
};
