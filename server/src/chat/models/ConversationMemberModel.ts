import { SnakeCaseModel } from '../../store/SnakeCaseModel.js';
import type { DbId } from '../wire.js';

/** A user's membership of a conversation, with how far they have read. */
export class ConversationMemberModel extends SnakeCaseModel {
  static override tableName = 'conversation_members';
  static override idColumn = ['conversation_id', 'user_id'];

  declare conversationId: string;
  declare userId: string;
  declare lastReadMessageId: DbId | null;
  declare joinedAt: Date;
}
