/**
 * Chat: contacts, conversations (direct and group), their members and messages.
 *
 * Plain ESM so it loads from the compiled server too; the same SQL runs on PostgreSQL and PGlite.
 * - A direct conversation exists once per pair of users: (direct_user_low, direct_user_high) is
 *   unique and ordered (low < high).
 * - Message ids are a bigint identity, so they sort in send order; sent as decimal strings.
 * - (conversation_id, sender_id, client_id) is unique: the dedupe key of resent messages.
 * - The primary key is (conversation_id, id) INCLUDE (sender_id): history paging (`before`
 *   cursor), a conversation's last message and unread counts are index range scans within one
 *   conversation. There is deliberately no index on `id` alone, so the planner can never walk
 *   the whole table in id order looking for one conversation's rows.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('conversations', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.text('title');
    t.uuid('direct_user_low').references('users.id').onDelete('CASCADE');
    t.uuid('direct_user_high').references('users.id').onDelete('CASCADE');
    t.uuid('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['direct_user_low', 'direct_user_high'], { indexName: 'conversations_direct_pair_key' });
  });
  await knex.raw(`
    ALTER TABLE conversations
      ADD CONSTRAINT conversations_kind_check CHECK (kind IN ('direct', 'group')),
      ADD CONSTRAINT conversations_direct_pair_check CHECK (
        (kind = 'direct' AND direct_user_low IS NOT NULL AND direct_user_high IS NOT NULL
          AND direct_user_low < direct_user_high)
        OR (kind = 'group' AND direct_user_low IS NULL AND direct_user_high IS NULL)
      )`);

  await knex.schema.createTable('conversation_members', (t) => {
    t.uuid('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('last_read_message_id');
    t.timestamp('joined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['conversation_id', 'user_id']);
    t.index(['user_id', 'conversation_id'], 'conversation_members_user_idx');
  });

  await knex.schema.createTable('contacts', (t) => {
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('contact_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'contact_id']);
  });
  await knex.raw('ALTER TABLE contacts ADD CONSTRAINT contacts_not_self_check CHECK (user_id <> contact_id)');

  await knex.schema.createTable('messages', (t) => {
    t.specificType('id', 'bigint GENERATED ALWAYS AS IDENTITY').notNullable();
    t.uuid('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.uuid('sender_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('client_id').notNullable();
    t.text('text').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['conversation_id', 'sender_id', 'client_id'], { indexName: 'messages_dedupe_key' });
  });
  await knex.raw(
    'ALTER TABLE messages ADD CONSTRAINT messages_text_length_check CHECK (char_length(text) BETWEEN 1 AND 4000)',
  );
  await knex.raw(
    'ALTER TABLE messages ADD CONSTRAINT messages_pkey PRIMARY KEY (conversation_id, id) INCLUDE (sender_id)',
  );

  // Username prefix search (`LIKE 'q%'`) whatever the database collation is.
  await knex.raw('CREATE INDEX users_username_prefix_idx ON users (username text_pattern_ops)');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS users_username_prefix_idx');
  await knex.schema.dropTableIfExists('messages');
  await knex.schema.dropTableIfExists('contacts');
  await knex.schema.dropTableIfExists('conversation_members');
  await knex.schema.dropTableIfExists('conversations');
}
