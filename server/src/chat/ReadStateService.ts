import { UNREAD_COUNT_LIMIT } from '@parley/protocol';
import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import type { ChatNotifier } from './ChatNotifier.js';
import type { ConversationService } from './ConversationService.js';
import { fitsBigint, nullableIdString, toCount, type DbId } from './wire.js';

export interface ReadState {
  conversationId: string;
  /** The member's last-read message id after the update (it never moves backwards). */
  messageId: string;
  unreadCount: number;
}

/**
 * Moves the member's last-read mark forward to a message of that conversation, in one
 * statement (a stale tab cannot move it back), and counts what is left unread: messages after
 * the mark from other senders (capped at UNREAD_COUNT_LIMIT), a primary-key range scan.
 */
const MARK_READ_SQL = `
  WITH target AS (
    SELECT id FROM messages WHERE id = ? AND conversation_id = ?
  ), updated AS (
    UPDATE conversation_members cm
       SET last_read_message_id = GREATEST(COALESCE(cm.last_read_message_id, 0), target.id)
      FROM target
     WHERE cm.conversation_id = ? AND cm.user_id = ?
     RETURNING cm.last_read_message_id
  )
  SELECT updated.last_read_message_id,
         (SELECT count(*) FROM (
            SELECT 1 FROM messages m
             WHERE m.conversation_id = ? AND m.id > updated.last_read_message_id AND m.sender_id <> ?
             LIMIT ${UNREAD_COUNT_LIMIT}) unread) AS unread_count
    FROM updated`;

export class ReadStateService {
  constructor(
    private readonly db: Knex,
    private readonly conversations: ConversationService,
    private readonly notifier: ChatNotifier,
  ) {}

  /** Moves the mark and tells every socket of the user (`read`). */
  async markRead(userId: string, conversationId: string, messageId: string): Promise<ReadState> {
    await this.conversations.requireMember(conversationId, userId);
    if (!fitsBigint(messageId)) throw noSuchMessage();
    const result = await this.db.raw<{ rows: Array<{ last_read_message_id: DbId; unread_count: DbId }> }>(
      MARK_READ_SQL,
      [messageId, conversationId, conversationId, userId, conversationId, userId],
    );
    const row = result.rows[0];
    const lastRead = nullableIdString(row?.last_read_message_id);
    if (!row || lastRead === null) throw noSuchMessage();
    const state: ReadState = { conversationId, messageId: lastRead, unreadCount: toCount(row.unread_count) };
    this.notifier.read(userId, state);
    return state;
  }
}

function noSuchMessage(): AppError {
  return new AppError('not_found', 'no such message in this conversation', 'messageId');
}
