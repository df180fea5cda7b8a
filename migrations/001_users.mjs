/**
 * Users. Ids are uuids generated in Node (crypto.randomUUID()), so the same migration runs on
 * PostgreSQL and on the embedded PGlite without relying on a database extension.
 *
 * @param {import('knex').Knex} knex
 */
export async function up(knex) {
  await knex.schema.createTable('users', (table) => {
    table.uuid('id').primary();
    table.string('username', 32).notNullable().unique();
    table.string('display_name', 64).notNullable();
    table.text('password_hash').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('users');
}
