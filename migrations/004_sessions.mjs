/**
 * Sessions: one row per login (or registration). A session token (JWT) carries its session id
 * (`jti`); the server reads the user through the session row in the same query that used to read
 * the user alone, so a token works only while its session is neither revoked (logout, "log out
 * everywhere") nor expired. Tokens issued before this migration carry no session id and stop
 * working: their users log in once more.
 *
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw('CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL');
  await knex.raw('CREATE INDEX sessions_expires_idx ON sessions (expires_at)');
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('sessions');
}
