/**
 * Every meeting has a conversation (its in-meeting chat). Meetings started without one before
 * this migration get a group conversation titled like the meeting, whose members are everyone
 * with an invitation row (host, invitees, guests).
 *
 * @param {import('knex').Knex} knex
 */
import { randomUUID } from 'node:crypto';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  const meetings = await knex('meetings').whereNull('conversation_id').select('id', 'title', 'host_id', 'created_at');
  for (const meeting of meetings) {
    const conversationId = randomUUID();
    await knex('conversations').insert({
      id: conversationId,
      kind: 'group',
      title: meeting.title,
      created_by: meeting.host_id,
      created_at: meeting.created_at,
    });
    const userIds = await knex('meeting_invitations').where('meeting_id', meeting.id).pluck('user_id');
    const members = [...new Set([meeting.host_id, ...userIds])];
    await knex('conversation_members').insert(
      members.map((userId) => ({ conversation_id: conversationId, user_id: userId })),
    );
    await knex('meetings').where('id', meeting.id).update({ conversation_id: conversationId });
  }
}

/** @param {import('knex').Knex} knex */
export async function down() {
  // The conversations stay: they hold the meetings' chat.
}
