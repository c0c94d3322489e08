import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Authorization codes of `terraform login` / `tofu login`
// (login.v1: OAuth authorization code + PKCE against a loopback redirect). Only a hash of each code is kept; a
// code lives five minutes and is exchanged once. `token_id` remembers the API token a code was exchanged for, so
// that a replayed code can revoke it (RFC 6749 §4.1.2).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oauth_codes', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('code_hash').notNullable().unique();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('session_id').nullable().references('sessions.id').onDelete('SET NULL');
    t.text('client_id').notNullable();
    t.text('redirect_uri').notNullable();
    t.text('code_challenge').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.uuid('token_id').nullable().references('api_tokens.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('oauth_codes');
}
