import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Cloud credentials of an organisation: the row holds
// what may be shown (kind, settings, the last check's verdict and the identity the cloud reported); each secret
// lives sealed in a version row, and rotation adds a version. Deletion is soft (runs and audit keep the id).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('cloud_credentials', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('kind').notNullable();
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('pending');
    t.timestamp('checked_at', { useTz: true }).nullable();
    // What the cloud said about the identity (AWS account and ARN, Azure subscription, …); never a secret.
    t.jsonb('identity').nullable();
    t.text('error').nullable();
    // When the cloud says the credential stops working (a GCP key's validBeforeTime).
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.integer('current_version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true }).nullable();
  });
  await knex.raw(`ALTER TABLE cloud_credentials ADD CONSTRAINT cloud_credentials_status_ck CHECK (status IN ('pending', 'valid', 'invalid'))`);
  // A name is unique among an organisation's live credentials; a deleted one frees its name.
  await knex.raw('CREATE UNIQUE INDEX cloud_credentials_name_uq ON cloud_credentials (org_id, lower(name)) WHERE deleted_at IS NULL');

  await knex.schema.createTable('cloud_credential_versions', (t) => {
    t.uuid('credential_id').notNullable().references('cloud_credentials.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    // SecretBox JSON, sealed under the context `cloud-credential:<id>:v<version>`.
    t.jsonb('secret_sealed').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['credential_id', 'version']);
  });

  // Which workspaces use which credentials: a run gets the environment of its workspace's credentials.
  await knex.schema.createTable('workspace_credentials', (t) => {
    t.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
    t.uuid('credential_id').notNullable().references('cloud_credentials.id').onDelete('RESTRICT');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['workspace_id', 'credential_id']);
    t.index(['credential_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('workspace_credentials');
  await knex.schema.dropTableIfExists('cloud_credential_versions');
  await knex.schema.dropTableIfExists('cloud_credentials');
}
