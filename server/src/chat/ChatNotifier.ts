import { ServerEvents, type ChatMessageEvent, type Message, type ReadEvent, type TypingEvent } from '@parley/protocol';
import { userRoom, type ClientRooms } from '../clientRooms.js';

/**
 * Every chat event the server sends. Each goes to the rooms `user:<id>` of its recipients, which
 * hold every socket of that user on every instance (spanned by the Redis adapter).
 */
export class ChatNotifier {
  constructor(private readonly io: ClientRooms) {}

  /** A new message, to every member (the sender's other tabs included). */
  message(memberIds: readonly string[], message: Message): void {
    if (memberIds.length === 0) return;
    const event: ChatMessageEvent = { message };
    this.io.to(memberIds.map(userRoom)).emit(ServerEvents.message, event);
  }

  /** The user's moved last-read mark, to every socket of that user. */
  read(userId: string, event: ReadEvent): void {
    this.io.to(userRoom(userId)).emit(ServerEvents.read, event);
  }

  /** A member started or stopped typing, to the other members. */
  typing(recipientIds: readonly string[], event: TypingEvent): void {
    if (recipientIds.length === 0) return;
    this.io.to(recipientIds.map(userRoom)).emit(ServerEvents.typing, event);
  }
}
