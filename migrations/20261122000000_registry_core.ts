import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Names are matched case-insensitively (the clients
// preserve case), so uniqueness is on lower(...) expressions.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pgcrypto');

  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.text('prefix').notNullable();
    t.text('token_hash').notNullable().unique();
    // Reserved for users/orgs/RBAC: a token belongs to a user (null = system/bootstrap) and carries scopes.
    t.uuid('user_id').nullable();
    t.jsonb('scopes').notNullable().defaultTo(JSON.stringify(['admin']));
    t.boolean('bootstrap').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_used_at', { useTz: true }).nullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('modules', (t) => {
    t.bigIncrements('id');
    t.text('namespace').notNullable();
    t.text('name').notNullable();
    t.text('system').notNullable();
    t.text('description').nullable();
    t.bigInteger('downloads').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX modules_address_uq ON modules (lower(namespace), lower(name), system)');

  await knex.schema.createTable('module_versions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('module_id').notNullable().references('modules.id').onDelete('CASCADE');
    t.text('version').notNullable();
    t.text('blob_key').notNullable();
    t.text('format').notNullable();
    t.text('sha256').notNullable();
    t.bigInteger('size').notNullable();
    t.jsonb('analysis').notNullable();
    t.text('source').notNullable().defaultTo('upload');
    t.text('commit_sha').nullable();
    t.text('repository').nullable();
    t.text('workflow_id').notNullable();
    t.uuid('published_by').nullable();
    t.bigInteger('downloads').notNullable().defaultTo(0);
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['module_id', 'version']);
  });

  await knex.schema.createTable('providers', (t) => {
    t.bigIncrements('id');
    t.text('namespace').notNullable();
    t.text('type').notNullable();
    t.text('description').nullable();
    t.bigInteger('downloads').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX providers_address_uq ON providers (lower(namespace), lower(type))');

  await knex.schema.createTable('provider_versions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('provider_id').notNullable().references('providers.id').onDelete('CASCADE');
    t.text('version').notNullable();
    t.jsonb('protocols').notNullable();
    t.text('shasums_filename').notNullable();
    t.text('shasums_key').notNullable();
    t.text('signature_key').notNullable();
    t.text('signing_key_id').notNullable();
    t.text('workflow_id').notNullable();
    t.uuid('published_by').nullable();
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider_id', 'version']);
  });

  await knex.schema.createTable('provider_platforms', (t) => {
    t.bigIncrements('id');
    t.bigInteger('version_id').notNullable().references('provider_versions.id').onDelete('CASCADE');
    t.text('os').notNullable();
    t.text('arch').notNullable();
    t.text('filename').notNullable();
    t.text('blob_key').notNullable();
    t.text('sha256').notNullable();
    t.text('h1').notNullable();
    t.bigInteger('size').notNullable();
    t.bigInteger('downloads').notNullable().defaultTo(0);
    t.unique(['version_id', 'os', 'arch']);
  });

  await knex.schema.createTable('gpg_keys', (t) => {
    t.bigIncrements('id');
    t.text('namespace').notNullable();
    t.text('key_id').notNullable();
    t.text('fingerprint').notNullable();
    t.text('ascii_armor').notNullable();
    t.text('source').nullable();
    t.text('source_url').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX gpg_keys_namespace_key_uq ON gpg_keys (lower(namespace), key_id)');

  // Daily download counters, flushed in batches from the API process (never a write per request).
  await knex.schema.createTable('download_counts', (t) => {
    t.text('kind').notNullable();
    t.bigInteger('version_id').notNullable();
    t.date('day').notNullable();
    t.bigInteger('count').notNullable().defaultTo(0);
    t.primary(['kind', 'version_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'download_counts',
    'gpg_keys',
    'provider_platforms',
    'provider_versions',
    'providers',
    'module_versions',
    'modules',
    'api_tokens',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
