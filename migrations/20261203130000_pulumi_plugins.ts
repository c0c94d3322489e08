import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Pulumi plugins (issue "Pulumi plugins"): a versioned
// catalogue of Pulumi programs per organisation, access requests for locked ones, and deployments — which are
// workspaces of engine `pulumi` whose source is a plugin version and whose runs are the Terraform runs' rows
// (same approvals, logs, queue and permissions).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pulumi_plugins', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.boolean('locked').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['org_id', 'name']);
  });
  await knex.schema.createTable('pulumi_plugin_versions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('plugin_id').notNullable().references('pulumi_plugins.id').onDelete('CASCADE');
    t.text('version').notNullable();
    // The uploaded ZIP as stored (content-addressed): strata-plugin.json and index.js or index.ts.
    t.text('blob_key').notNullable();
    t.text('sha256').notNullable();
    t.text('description').notNullable().defaultTo('');
    // The JSON Schema of the inputs (from strata-plugin.json).
    t.jsonb('inputs').notNullable();
    t.text('entry').notNullable();
    t.uuid('published_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['plugin_id', 'version']);
  });
  await knex.schema.createTable('plugin_access_requests', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('plugin_id').notNullable().references('pulumi_plugins.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('status').notNullable().defaultTo('pending');
    t.text('reason').nullable();
    t.uuid('decided_by').nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("CREATE UNIQUE INDEX plugin_access_requests_open ON plugin_access_requests (plugin_id, user_id) WHERE status IN ('pending', 'approved')");
  await knex.schema.alterTable('workspaces', (t) => {
    t.uuid('plugin_version_id').nullable().references('pulumi_plugin_versions.id').onDelete('RESTRICT');
    // A deployment's inputs (validated against the plugin version's schema) and its stack's secrets passphrase.
    t.jsonb('inputs').nullable();
    t.jsonb('stack_passphrase').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workspaces', (t) => {
    t.dropColumn('plugin_version_id');
    t.dropColumn('inputs');
    t.dropColumn('stack_passphrase');
  });
  await knex.schema.dropTableIfExists('plugin_access_requests');
  await knex.schema.dropTableIfExists('pulumi_plugin_versions');
  await knex.schema.dropTableIfExists('pulumi_plugins');
}
