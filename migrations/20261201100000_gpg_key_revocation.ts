import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. A signing key that signed published versions is
// revoked instead of deleted: it no longer verifies new releases, but clients still get it for the versions it
// signed.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('gpg_keys', (t) => {
    t.timestamp('revoked_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // Without the column a revoked key would count as active again: drop those keys rather than re-enable them.
  await knex('gpg_keys').whereNotNull('revoked_at').del();
  await knex.schema.alterTable('gpg_keys', (t) => {
    t.dropColumn('revoked_at');
  });
}
