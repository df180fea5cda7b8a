/**
 * Meetings and who may join them.
 *
 * Plain ESM so it loads from the compiled server too; the same SQL runs on PostgreSQL and PGlite.
 * - Meeting ids are uuids generated in Node.
 * - meeting_invitations lists everyone who may join an invited-only meeting: the host
 *   (role 'host'), the invitees ('invitee') and, for link meetings, those who joined with the
 *   link ('guest', so they get the catch-up invitation after a reload). Who is in the room
 *   right now is not stored here but in the room store (Redis or memory).
 * - "Ongoing meetings a user may join" is invitations by user joined to active meetings:
 *   (user_id, meeting_id) on invitations and a partial index on active meetings.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('meetings', (t) => {
    t.uuid('id').primary();
    t.text('title').notNullable();
    t.uuid('host_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('conversation_id').references('conversations.id').onDelete('SET NULL');
    t.text('access').notNullable().defaultTo('invited');
    t.text('status').notNullable().defaultTo('active');
    t.text('mode').notNullable().defaultTo('mesh');
    t.text('end_reason');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('ended_at', { useTz: true });
  });
  await knex.raw(`
    ALTER TABLE meetings
      ADD CONSTRAINT meetings_access_check CHECK (access IN ('invited', 'link')),
      ADD CONSTRAINT meetings_status_check CHECK (status IN ('active', 'ended')),
      ADD CONSTRAINT meetings_mode_check CHECK (mode IN ('mesh', 'sfu')),
      ADD CONSTRAINT meetings_end_reason_check CHECK (end_reason IN ('stopped', 'empty', 'host_left')),
      ADD CONSTRAINT meetings_title_length_check CHECK (char_length(title) BETWEEN 1 AND 100),
      ADD CONSTRAINT meetings_ended_check CHECK ((status = 'ended') = (ended_at IS NOT NULL))`);
  await knex.raw("CREATE INDEX meetings_active_idx ON meetings (created_at) WHERE status = 'active'");
  await knex.raw(
    'CREATE INDEX meetings_conversation_idx ON meetings (conversation_id) WHERE conversation_id IS NOT NULL',
  );

  await knex.schema.createTable('meeting_invitations', (t) => {
    t.uuid('meeting_id').notNullable().references('meetings.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role').notNullable().defaultTo('invitee');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['meeting_id', 'user_id']);
    t.index(['user_id', 'meeting_id'], 'meeting_invitations_user_idx');
  });
  await knex.raw(
    "ALTER TABLE meeting_invitations ADD CONSTRAINT meeting_invitations_role_check CHECK (role IN ('host', 'invitee', 'guest'))",
  );
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('meeting_invitations');
  await knex.schema.dropTableIfExists('meetings');
}
