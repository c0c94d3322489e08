import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. VCS connections, module ↔ repository links, received
// webhook deliveries, immutability violations (moved tags) and the notifications they raise.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('vcs_connections', (t) => {
    t.uuid('id').primary();
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('base_url').notNullable();
    // Envelope-encrypted token (AES-256-GCM data key wrapped by the configured master key).
    t.jsonb('token_sealed').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.text('status_reason').nullable();
    t.text('identity').nullable();
    t.timestamp('checked_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX vcs_connections_name_uq ON vcs_connections (lower(name))');

  await knex.schema.createTable('vcs_links', (t) => {
    t.uuid('id').primary();
    t.bigInteger('module_id').notNullable().unique().references('modules.id').onDelete('CASCADE');
    t.uuid('connection_id').notNullable().references('vcs_connections.id').onDelete('RESTRICT');
    t.text('repository').notNullable();
    t.text('subdirectory').nullable();
    t.text('tag_pattern').notNullable();
    t.text('webhook_url').notNullable();
    t.jsonb('webhook_secret_sealed').notNullable();
    t.text('webhook_id').nullable();
    t.text('webhook_status').notNullable().defaultTo('pending');
    t.text('webhook_error').nullable();
    t.timestamp('last_synced_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['connection_id']);
  });
  await knex.raw('CREATE INDEX vcs_links_repository_idx ON vcs_links (lower(repository))');

  await knex.schema.createTable('vcs_deliveries', (t) => {
    t.bigIncrements('id');
    t.text('provider').notNullable();
    t.text('delivery_id').notNullable();
    t.uuid('link_id').nullable().references('vcs_links.id').onDelete('CASCADE');
    t.text('payload_sha256').notNullable();
    t.text('event').notNullable();
    t.text('repository').nullable();
    t.text('ref').nullable();
    t.text('tag').nullable();
    t.text('result').notNullable();
    t.text('detail').nullable();
    t.text('workflow_id').nullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['link_id', 'received_at']);
  });
  // One row per tag a delivery names. A redelivery (same id) or a replayed body (same bytes for the same link)
  // is recorded once.
  await knex.raw("CREATE UNIQUE INDEX vcs_deliveries_delivery_uq ON vcs_deliveries (provider, link_id, delivery_id, coalesce(tag, ''))");
  await knex.raw("CREATE UNIQUE INDEX vcs_deliveries_payload_uq ON vcs_deliveries (link_id, payload_sha256, coalesce(tag, ''))");

  await knex.schema.createTable('vcs_violations', (t) => {
    t.bigIncrements('id');
    t.uuid('link_id').notNullable().references('vcs_links.id').onDelete('CASCADE');
    t.bigInteger('module_version_id').notNullable().references('module_versions.id').onDelete('CASCADE');
    t.text('tag').notNullable();
    t.text('version').notNullable();
    t.text('recorded_sha').nullable();
    t.text('observed_sha').notNullable();
    t.text('detected_by').notNullable();
    t.text('workflow_id').notNullable();
    t.timestamp('detected_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The same move seen again (redelivery, next reconcile) is one violation, alerted once.
    t.unique(['link_id', 'version', 'observed_sha']);
  });

  // Alerts for people (email and other channels deliver them later); written by workflows, never lost.
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id');
    t.text('kind').notNullable();
    t.text('severity').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.text('dedupe_key').nullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['notifications', 'vcs_violations', 'vcs_deliveries', 'vcs_links', 'vcs_connections']) {
    await knex.schema.dropTableIfExists(table);
  }
}
