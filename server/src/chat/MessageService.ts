import type { HistoryQuery, Message, SendMessage } from '@parley/protocol';
import type { Knex } from 'knex';
import type { ChatNotifier } from './ChatNotifier.js';
import type { ConversationService } from './ConversationService.js';
import { MESSAGE_COLUMNS, type MessageWriter } from './MessageWriter.js';
import type { TypingService } from './TypingService.js';
import { withStoreDeadline } from '../store/unavailable.js';
import { fitsBigint, toMessage, type MessageRow } from './wire.js';

/** A send not committed by then is answered `unavailable` (the client resends with its clientId). */
const SEND_DEADLINE_MS = 4000;

export interface SendResult {
  message: Message;
  /** false when this clientId was already stored: nothing new to deliver. */
  created: boolean;
  /** Everyone to deliver the message to, the sender included (their other tabs). */
  memberIds: readonly string[];
}

/** Sending (idempotent per sender and clientId) and reading a conversation's history. */
export class MessageService {
  constructor(
    private readonly db: Knex,
    private readonly conversations: ConversationService,
    private readonly writer: MessageWriter,
    private readonly typing: TypingService,
    private readonly notifier: ChatNotifier,
  ) {}

  /**
   * Resolves once the message is committed (membership from the cache, then a batched insert);
   * `unavailable` when the database is down or does not commit within SEND_DEADLINE_MS. Ends the
   * sender's typing in that conversation, and delivers a new message (`message`) to every member;
   * a resend of a stored clientId resolves to the stored message and delivers nothing new.
   */
  async send(senderId: string, input: SendMessage): Promise<SendResult> {
    const result = await withStoreDeadline(SEND_DEADLINE_MS, this.store(senderId, input));
    this.typing.messageSent(senderId, input.conversationId);
    if (result.created) this.notifier.message(result.memberIds, result.message);
    return result;
  }

  private async store(senderId: string, input: SendMessage): Promise<SendResult> {
    const members = await this.conversations.requireMember(input.conversationId, senderId);
    const { row, created } = await this.writer.write({ ...input, senderId });
    return { message: toMessage(row), created, memberIds: [...members] };
  }

  /** Up to `limit` messages before the `before` id (or the latest), oldest first. */
  async history(userId: string, conversationId: string, query: HistoryQuery): Promise<Message[]> {
    await this.conversations.requireMember(conversationId, userId);
    const builder = this.db('messages')
      .select<MessageRow[]>(MESSAGE_COLUMNS)
      .where('conversation_id', conversationId)
      .orderBy('id', 'desc')
      .limit(query.limit);
    // A cursor past the largest bigint has every message before it.
    if (query.before !== undefined && fitsBigint(query.before)) builder.andWhere('id', '<', query.before);
    const rows = await builder;
    return rows.reverse().map(toMessage);
  }
}
