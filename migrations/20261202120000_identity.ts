import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Users, organisations, memberships, teams, namespaces
// owned by organisations, sessions, single-use account tokens, SSO identities and the append-only audit log.
// Existing namespaces (from modules, providers and GPG keys) move into the `default` organisation, public, so
// that every client that reads them today keeps working; namespaces created from now on are private.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable();
    t.text('name').notNullable();
    // argon2id PHC string; null for users who only sign in through SSO.
    t.text('password_hash').nullable();
    t.boolean('platform_admin').notNullable().defaultTo(false);
    t.timestamp('email_verified_at', { useTz: true }).nullable();
    t.timestamp('disabled_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX users_email_uq ON users (lower(email))');

  await knex.schema.createTable('organizations', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX organizations_name_uq ON organizations (lower(name))');

  await knex.schema.createTable('memberships', (t) => {
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['org_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('teams', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('name').notNullable();
    // The organisation-wide role the team's members get (null: only its namespace roles).
    t.text('role').nullable();
    // An SSO group whose members join the team at sign-in.
    t.text('sso_group').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX teams_name_uq ON teams (org_id, lower(name))');

  await knex.schema.createTable('team_members', (t) => {
    t.uuid('team_id').notNullable().references('teams.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    // `sso`: added from a groups claim (and removed when the claim no longer names the group); `manual`: by hand.
    t.text('source').notNullable().defaultTo('manual');
    t.primary(['team_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('namespaces', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('RESTRICT');
    t.text('visibility').notNullable().defaultTo('private');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['org_id']);
  });
  await knex.raw('CREATE UNIQUE INDEX namespaces_name_uq ON namespaces (lower(name))');
  await knex.raw("ALTER TABLE namespaces ADD CONSTRAINT namespaces_visibility_ck CHECK (visibility IN ('private', 'public'))");

  await knex.schema.createTable('team_namespace_roles', (t) => {
    t.uuid('team_id').notNullable().references('teams.id').onDelete('CASCADE');
    t.uuid('namespace_id').notNullable().references('namespaces.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.primary(['team_id', 'namespace_id']);
  });

  await knex.schema.alterTable('api_tokens', (t) => {
    t.timestamp('expires_at', { useTz: true }).nullable();
  });
  await knex.raw('ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
  await knex.raw('CREATE INDEX api_tokens_user_idx ON api_tokens (user_id)');

  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('token_hash').notNullable().unique();
    t.text('ip').nullable();
    t.text('user_agent').nullable();
    // How the session was opened: `password` or `oidc:<provider>`.
    t.text('method').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.index(['user_id']);
  });

  // Email verification and password reset: single-use and expiring; only the hash is stored.
  await knex.schema.createTable('account_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('purpose').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Failed sign-ins per email address and per client IP, whether or not the account exists (so a lockout tells
  // nothing about which emails have accounts).
  await knex.schema.createTable('auth_throttle', (t) => {
    t.text('key').primary();
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('window_start', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('locked_until', { useTz: true }).nullable();
  });

  await knex.schema.createTable('sso_identities', (t) => {
    t.text('provider').notNullable();
    t.text('subject').notNullable();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['provider', 'subject']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // `user`, `token`, `system` or `anonymous`; actor_id is the user/token id, actor_label a readable name.
    t.text('actor_type').notNullable();
    t.text('actor_id').nullable();
    t.text('actor_label').nullable();
    t.uuid('org_id').nullable();
    t.text('action').notNullable();
    t.text('target').nullable();
    t.text('result').notNullable();
    t.text('ip').nullable();
    t.text('user_agent').nullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['org_id', 'at']);
    t.index(['at']);
  });
  // Append-only for the application: updates and deletes are refused by the database itself.
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await knex.raw(
    'CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()',
  );
  await knex.raw('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()');

  // VCS connections belong to an organisation too.
  await knex.schema.alterTable('vcs_connections', (t) => {
    t.uuid('org_id').nullable().references('organizations.id').onDelete('RESTRICT');
  });

  const [org] = await knex('organizations').insert({ name: 'default' }).returning('id');
  const orgId = (org as { id: string }).id;
  await knex.raw(
    `INSERT INTO namespaces (name, org_id, visibility)
     SELECT DISTINCT ON (lower(name)) name, ?, 'public' FROM (
       SELECT namespace AS name FROM modules UNION ALL SELECT namespace FROM providers UNION ALL SELECT namespace FROM gpg_keys
     ) existing ORDER BY lower(name), name`,
    [orgId],
  );
  await knex('vcs_connections').update({ org_id: orgId });
  await knex.raw('ALTER TABLE vcs_connections ALTER COLUMN org_id SET NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('vcs_connections', (t) => t.dropColumn('org_id'));
  await knex.raw('DROP TABLE IF EXISTS audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
  for (const table of ['sso_identities', 'auth_throttle', 'account_tokens', 'sessions', 'team_namespace_roles', 'namespaces', 'team_members', 'teams', 'memberships']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('ALTER TABLE api_tokens DROP CONSTRAINT IF EXISTS api_tokens_user_fk');
  await knex.raw('DROP INDEX IF EXISTS api_tokens_user_idx');
  await knex.schema.alterTable('api_tokens', (t) => t.dropColumn('expires_at'));
  await knex.schema.dropTableIfExists('organizations');
  await knex.schema.dropTableIfExists('users');
}
