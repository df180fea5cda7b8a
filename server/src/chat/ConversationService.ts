import { randomUUID } from 'node:crypto';
import { UNREAD_COUNT_LIMIT, type Conversation, type CreateConversationBody, type User } from '@parley/protocol';
import type { Knex } from 'knex';
import { AppError } from '../appError.js';
import { noCreationLimits, type CreationLimits } from '../limits/creationLimits.js';
import type { MembershipCache } from './MembershipCache.js';
import { ConversationModel } from './models/ConversationModel.js';
import type { UserDirectory } from './UserDirectory.js';
import { nullableIdString, toCount, toIso, toMessage, toUser, type DbId, type UserRow } from './wire.js';

interface ConversationRow {
  id: string;
  kind: Conversation['kind'];
  title: string | null;
  created_at: Date | string;
  last_read_message_id: DbId | null;
  unread_count: DbId;
  m_id: DbId | null;
  m_sender_id: string | null;
  m_client_id: string | null;
  m_text: string | null;
  m_created_at: Date | string | null;
}

/**
 * The caller's conversations, each with its last message and the caller's unread count (capped
 * at UNREAD_COUNT_LIMIT), both range scans of the messages primary key (conversation_id, id)
 * INCLUDE (sender_id); most recently active first.
 */
const LIST_SQL = `
  SELECT c.id, c.kind, c.title, c.created_at, cm.last_read_message_id,
         (SELECT count(*) FROM (
            SELECT 1 FROM messages u
             WHERE u.conversation_id = c.id
               AND u.id > COALESCE(cm.last_read_message_id, 0)
               AND u.sender_id <> cm.user_id
             LIMIT ${UNREAD_COUNT_LIMIT}) unread) AS unread_count,
         m.id AS m_id, m.sender_id AS m_sender_id, m.client_id AS m_client_id,
         m.text AS m_text, m.created_at AS m_created_at
    FROM conversation_members cm
    JOIN conversations c ON c.id = cm.conversation_id
    LEFT JOIN LATERAL (
      SELECT id, sender_id, client_id, text, created_at FROM messages
       WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1
    ) m ON TRUE
   WHERE cm.user_id = ?
   ORDER BY COALESCE(m.created_at, c.created_at) DESC, c.id
   LIMIT ?`;

/** Group conversations and the caller's view of all their conversations. */
export class ConversationService {
  constructor(
    private readonly db: Knex,
    private readonly users: UserDirectory,
    private readonly membership: MembershipCache,
    private readonly limits: CreationLimits = noCreationLimits,
  ) {}

  /** A titled group of the caller and `memberIds`; an unknown member id is a 400 naming it. */
  async createGroup(callerId: string, body: CreateConversationBody): Promise<Conversation> {
    await this.limits.group(callerId, new Set(body.memberIds).size);
    const found = await this.users.findByIds(body.memberIds);
    const missing = body.memberIds.findIndex((id) => !found.has(id));
    if (missing >= 0) throw new AppError('bad_request', 'no such user', `memberIds.${missing}`);
    const memberIds = [...new Set([callerId, ...body.memberIds])];
    const conversation = await ConversationModel.query(this.db).insertGraphAndFetch({
      id: randomUUID(),
      kind: 'group',
      title: body.title,
      createdBy: callerId,
      members: memberIds.map((userId) => ({ userId })),
    });
    await this.membership.invalidate(conversation.id);
    const members = await this.membersOf([conversation.id]);
    return {
      id: conversation.id,
      kind: 'group',
      title: conversation.title,
      members: members.get(conversation.id) ?? [],
      lastMessage: null,
      unreadCount: 0,
      lastReadMessageId: null,
      createdAt: toIso(conversation.createdAt),
    };
  }

  /**
   * The group conversation of a meeting started without one: titled like the meeting, the host
   * its first member (participants join it as they enter). Not counted against group limits:
   * starting meetings has its own.
   */
  async createForMeeting(title: string, hostId: string): Promise<string> {
    const conversation = await ConversationModel.query(this.db).insertGraphAndFetch({
      id: randomUUID(),
      kind: 'group',
      title,
      createdBy: hostId,
      members: [{ userId: hostId }],
    });
    await this.membership.invalidate(conversation.id);
    return conversation.id;
  }

  /**
   * Adds a member to a group conversation (a meeting participant to its chat); a direct
   * conversation is left as it is. Returns whether the user was added now.
   */
  async addGroupMember(conversationId: string, userId: string): Promise<boolean> {
    if (await this.membership.isMember(conversationId, userId)) return false;
    const result = await this.db.raw<{ rows: unknown[] }>(
      `INSERT INTO conversation_members (conversation_id, user_id)
       SELECT id, ? FROM conversations WHERE id = ? AND kind = 'group'
       ON CONFLICT DO NOTHING RETURNING user_id`,
      [userId, conversationId],
    );
    if (result.rows.length === 0) return false;
    await this.membership.invalidate(conversationId);
    return true;
  }

  /** The caller's `limit` most recently active conversations (CONVERSATION_LIST_LIMIT at most). */
  async list(callerId: string, limit = 200): Promise<Conversation[]> {
    const result = await this.db.raw<{ rows: ConversationRow[] }>(LIST_SQL, [callerId, limit]);
    const rows = result.rows;
    const members = await this.membersOf(rows.map((row) => row.id));
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      members: members.get(row.id) ?? [],
      lastMessage: lastMessageOf(row),
      unreadCount: toCount(row.unread_count),
      lastReadMessageId: nullableIdString(row.last_read_message_id),
      createdAt: toIso(row.created_at),
    }));
  }

  /** 404 unless the caller is a member: a non-member learns nothing, not even that it exists. */
  async requireMember(conversationId: string, userId: string): Promise<ReadonlySet<string>> {
    const members = await this.membership.members(conversationId);
    if (!members?.has(userId)) throw new AppError('not_found', 'no such conversation', 'conversationId');
    return members;
  }

  private async membersOf(conversationIds: string[]): Promise<Map<string, User[]>> {
    const byConversation = new Map<string, User[]>();
    if (conversationIds.length === 0) return byConversation;
    const rows = await this.db('conversation_members as cm')
      .join('users as u', 'u.id', 'cm.user_id')
      .whereIn('cm.conversation_id', conversationIds)
      .orderBy(['cm.conversation_id', 'cm.joined_at', 'u.username'])
      .select<Array<UserRow & { conversation_id: string }>>(
        'cm.conversation_id',
        'u.id',
        'u.username',
        'u.display_name',
      );
    for (const row of rows) {
      const list = byConversation.get(row.conversation_id) ?? [];
      list.push(toUser(row));
      byConversation.set(row.conversation_id, list);
    }
    return byConversation;
  }
}

function lastMessageOf(row: ConversationRow): Conversation['lastMessage'] {
  if (row.m_id === null || row.m_sender_id === null || row.m_created_at === null) return null;
  return toMessage({
    id: row.m_id,
    conversation_id: row.id,
    sender_id: row.m_sender_id,
    client_id: row.m_client_id ?? '',
    text: row.m_text ?? '',
    created_at: row.m_created_at,
  });
}
