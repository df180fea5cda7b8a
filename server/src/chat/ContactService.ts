import { randomUUID } from 'node:crypto';
import type { User } from '@parley/protocol';
import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import { noCreationLimits, type CreationLimits } from '../limits/creationLimits.js';
import type { MembershipCache } from './MembershipCache.js';
import { ContactModel } from './models/ContactModel.js';
import { ConversationMemberModel } from './models/ConversationMemberModel.js';
import { ConversationModel } from './models/ConversationModel.js';
import type { UserDirectory } from './UserDirectory.js';
import { toUser, type UserRow } from './wire.js';

/** A contact without its presence (presence is not chat's to know). */
export interface ContactEntry {
  user: User;
  conversationId: string;
}

/**
 * Mutual contacts. Adding one creates (or finds) the pair's direct conversation: the unique
 * (direct_user_low, direct_user_high) key makes two concurrent adds of the same pair, in either
 * direction, end with one conversation.
 */
export class ContactService {
  constructor(
    private readonly db: Knex,
    private readonly users: UserDirectory,
    private readonly membership: MembershipCache,
    private readonly limits: CreationLimits = noCreationLimits,
  ) {}

  async add(callerId: string, contactId: string): Promise<ContactEntry> {
    if (contactId === callerId) throw new AppError('bad_request', 'you cannot add yourself', 'userId');
    const user = (await this.users.findByIds([contactId])).get(contactId);
    if (!user) throw new AppError('not_found', 'no such user', 'userId');
    await this.limits.contact(callerId);

    const [low, high] = callerId < contactId ? [callerId, contactId] : [contactId, callerId];
    const conversationId = await this.db.transaction(async (trx) => {
      await ConversationModel.query(trx)
        .insert({
          id: randomUUID(),
          kind: 'direct',
          title: null,
          directUserLow: low,
          directUserHigh: high,
          createdBy: callerId,
        })
        .onConflict(['direct_user_low', 'direct_user_high'])
        .ignore();
      const conversation = await ConversationModel.query(trx)
        .select('id')
        .findOne({ direct_user_low: low, direct_user_high: high });
      if (!conversation) throw new Error('direct conversation vanished inside its transaction');
      await ConversationMemberModel.query(trx)
        .insert([
          { conversationId: conversation.id, userId: low },
          { conversationId: conversation.id, userId: high },
        ])
        .onConflict(['conversation_id', 'user_id'])
        .ignore();
      await ContactModel.query(trx)
        .insert([
          { userId: callerId, contactId, conversationId: conversation.id },
          { userId: contactId, contactId: callerId, conversationId: conversation.id },
        ])
        .onConflict(['user_id', 'contact_id'])
        .ignore();
      return conversation.id;
    });
    await this.membership.invalidate(conversationId);
    return { user, conversationId };
  }

  /**
   * One page of the caller's contacts by username: at most `limit`, after the username `after`
   * (the last one of the previous page) when given.
   */
  async list(callerId: string, page: { limit?: number; after?: string | undefined } = {}): Promise<ContactEntry[]> {
    const query = this.db('contacts as c').join('users as u', 'u.id', 'c.contact_id').where('c.user_id', callerId);
    if (page.after !== undefined) query.andWhere('u.username', '>', page.after);
    const rows = await query
      .orderBy('u.username')
      .limit(page.limit ?? 1000)
      .select<Array<UserRow & { conversation_id: string }>>(
        'u.id',
        'u.username',
        'u.display_name',
        'c.conversation_id',
      );
    return rows.map((row) => ({ user: toUser(row), conversationId: row.conversation_id }));
  }

  /** Who hears about this user's presence. */
  async contactIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db('contacts').where('user_id', userId).pluck<string[]>('contact_id');
    return rows;
  }
}
