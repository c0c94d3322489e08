import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Workspaces and their runs (issue "Runs"): variables
// (sensitive values sealed), uploaded configuration versions, runs with approvals and logs, every state version
// (sealed), the state lock, and per-organisation run policy (required tags, per-environment approval rules).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('organizations', (t) => {
    t.specificType('required_workspace_tags', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.schema.createTable('approval_policies', (t) => {
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('environment').notNullable();
    t.boolean('auto_apply_allowed').notNullable();
    t.integer('required_approvals').notNullable().defaultTo(1);
    t.text('approver_role').notNullable();
    t.specificType('approver_team_ids', 'uuid[]').notNullable().defaultTo('{}');
    t.integer('approval_timeout_hours').notNullable().defaultTo(72);
    t.primary(['org_id', 'environment']);
  });
  await knex.schema.createTable('workspaces', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('RESTRICT');
    t.text('name').notNullable();
    t.text('engine').notNullable();
    t.text('engine_version').nullable();
    t.jsonb('source').notNullable();
    t.text('environment').notNullable();
    t.boolean('auto_apply').notNullable().defaultTo(false);
    t.jsonb('tags').notNullable().defaultTo('{}');
    t.integer('drift_interval_minutes').nullable();
    t.text('drift_status').notNullable().defaultTo('unknown');
    t.timestamp('drift_checked_at', { useTz: true }).nullable();
    t.jsonb('drift').nullable();
    t.uuid('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['org_id', 'name']);
  });
  await knex.schema.createTable('workspace_variables', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('key').notNullable();
    t.text('category').notNullable();
    t.boolean('sensitive').notNullable().defaultTo(false);
    t.boolean('hcl').notNullable().defaultTo(false);
    // Exactly one of the two: the plain value, or the sealed one (sensitive).
    t.text('value').nullable();
    t.jsonb('sealed').nullable();
    t.unique(['workspace_id', 'category', 'key']);
  });
  await knex.schema.createTable('configuration_versions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.text('blob_key').notNullable();
    t.text('sha256').notNullable();
    t.bigInteger('size').notNullable();
    t.text('source').notNullable();
    t.jsonb('source_detail').notNullable().defaultTo('{}');
    t.uuid('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('operation').notNullable();
    t.boolean('refresh_only').notNullable().defaultTo(false);
    t.text('status').notNullable();
    t.uuid('configuration_id').nullable().references('configuration_versions.id').onDelete('SET NULL');
    t.text('trigger').notNullable().defaultTo('api');
    t.jsonb('plan').nullable();
    t.jsonb('resource_changes').nullable();
    t.jsonb('outputs').nullable();
    t.text('error').nullable();
    t.text('plan_blob_key').nullable();
    t.text('plan_json_key').nullable();
    t.boolean('has_changes').nullable();
    // Set once, atomically, when the apply starts: a retried or repeated apply sees it and never applies again.
    t.timestamp('apply_started_at', { useTz: true }).nullable();
    t.uuid('created_by').nullable();
    t.text('created_by_label').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['workspace_id', 'created_at']);
    t.index(['org_id', 'status']);
  });
  await knex.schema.createTable('run_approvals', (t) => {
    t.uuid('run_id').notNullable().references('runs.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable();
    t.text('user_label').notNullable();
    t.text('decision').notNullable();
    t.text('comment').nullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'user_id']);
  });
  await knex.schema.createTable('run_logs', (t) => {
    t.bigIncrements('id');
    t.uuid('run_id').notNullable().references('runs.id').onDelete('CASCADE');
    t.text('phase').notNullable();
    t.integer('seq').notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('severity').notNullable();
    t.text('text').notNullable();
    t.unique(['run_id', 'phase', 'seq']);
  });
  await knex.raw('CREATE INDEX run_logs_text_search ON run_logs USING gin (to_tsvector(\'simple\', text))');
  await knex.schema.alterTable('api_tokens', (t) => {
    // A token minted for one phase of one run (registry reads of its organisation, its workspace's state).
    t.uuid('run_id').nullable().references('runs.id').onDelete('CASCADE');
  });
  await knex.schema.createTable('state_versions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.bigInteger('serial').notNullable();
    t.text('lineage').notNullable();
    t.jsonb('sealed').notNullable();
    t.text('sha256').notNullable();
    t.integer('size').notNullable();
    t.integer('resource_count').notNullable().defaultTo(0);
    t.uuid('run_id').nullable().references('runs.id').onDelete('SET NULL');
    t.uuid('created_by').nullable();
    t.text('created_by_label').nullable();
    // A rollback writes a new version whose content is an earlier one's.
    t.uuid('restored_from').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workspace_id', 'serial']);
  });
  await knex.schema.createTable('state_locks', (t) => {
    t.uuid('workspace_id').primary().references('workspaces.id').onDelete('CASCADE');
    // The lock info as the client sent it (ID, Operation, Who, Version, Created, Path, Info).
    t.text('lock_id').notNullable();
    t.jsonb('info').notNullable();
    // Set when a run holds the lock: its tokens may write state while it does.
    t.uuid('run_id').nullable().references('runs.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('state_locks');
  await knex.schema.dropTableIfExists('state_versions');
  await knex.schema.alterTable('api_tokens', (t) => t.dropColumn('run_id'));
  await knex.schema.dropTableIfExists('run_logs');
  await knex.schema.dropTableIfExists('run_approvals');
  await knex.schema.dropTableIfExists('runs');
  await knex.schema.dropTableIfExists('configuration_versions');
  await knex.schema.dropTableIfExists('workspace_variables');
  await knex.schema.dropTableIfExists('workspaces');
  await knex.schema.dropTableIfExists('approval_policies');
  await knex.schema.alterTable('organizations', (t) => t.dropColumn('required_workspace_tags'));
}
