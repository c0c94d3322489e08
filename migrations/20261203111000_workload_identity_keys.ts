import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. The RS256 keys Strata signs run ID tokens with, as an
// OpenID Connect issuer (core/workload-identity). The private half is sealed with the master key; the public
// half is what `/.well-known/jwks.json` publishes until `expires_at`.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workload_identity_keys', (t) => {
    t.text('kid').primary();
    t.jsonb('public_jwk').notNullable();
    t.jsonb('private_key_sealed').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Past this a successor is made and takes over signing.
    t.timestamp('retire_after', { useTz: true }).notNullable();
    // When the last token this key may have signed has expired: it leaves the JWKS and is deleted.
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('workload_identity_keys');
}
