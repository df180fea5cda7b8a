import { ClientEvents, ServerEvents, type ChatMessageEvent, type ReadEvent } from '@parley/protocol';
import { onEvent } from './onEvent.js';
import type { SocketHandlers } from './SocketHandlers.js';
import { userRoom } from '../clientRooms.js';

/**
 * `message`: stored, then acknowledged `{ok, message}` and delivered to every socket of every
 * member on every instance (rooms `user:<id>`, spanned by the Redis adapter). A resend of a
 * stored clientId is acknowledged with the stored message and delivers nothing new.
 * `mark_read`: moves the last-read mark and tells every socket of the user (`read`).
 */
export const chatHandlers: SocketHandlers = (socket, app) => {
  const userId = socket.data.user.id;

  onEvent(socket, ClientEvents.message, async (data) => {
    const { message, created, memberIds } = await app.chat.messages.send(userId, data);
    app.chat.typing.messageSent(userId, data.conversationId);
    if (created) {
      const event: ChatMessageEvent = { message };
      app.io.to(memberIds.map(userRoom)).emit(ServerEvents.message, event);
    }
    return { message };
  });

  onEvent(socket, ClientEvents.markRead, async (data) => {
    const state: ReadEvent = await app.chat.readState.markRead(userId, data.conversationId, data.messageId);
    app.io.to(userRoom(userId)).emit(ServerEvents.read, state);
    return { ...state };
  });
};
