import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Deliveries of notification events (one per recipient and
// channel: the in-app inbox is the `in_app` deliveries), notification preferences of users, teams and
// organisations, and single-use action links ("approve from the inbox").
export async function up(knex: Knex): Promise<void> {
  // A producer inside a workflow activity raises its event once, however often the activity is retried.
  await knex.schema.alterTable('notification_events', (t) => {
    t.text('dedupe_key').nullable().unique();
  });

  await knex.schema.createTable('notification_deliveries', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('event_id').notNullable().references('notification_events.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('channel').notNullable();
    // pending → sent | skipped (no mail server configured) | failed (permanently).
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.timestamp('read_at', { useTz: true }).nullable();
    // Deleted from the inbox by its user: kept so that a retried fan-out does not bring it back.
    t.timestamp('dismissed_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // A worker killed mid-fan-out re-plans the same rows: one delivery per recipient and channel, ever.
    t.unique(['event_id', 'user_id', 'channel']);
  });
  await knex.raw(
    "CREATE INDEX notification_deliveries_inbox ON notification_deliveries (user_id, created_at DESC) WHERE channel = 'in_app' AND dismissed_at IS NULL",
  );

  // Exactly one of user_id, team_id, org_id is set: a user's own choice, a team's default or an organisation's.
  await knex.schema.createTable('notification_preferences', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.uuid('team_id').nullable().references('teams.id').onDelete('CASCADE');
    t.uuid('org_id').nullable().references('organizations.id').onDelete('CASCADE');
    t.text('event_type').notNullable();
    t.text('channel').notNullable();
    t.boolean('enabled').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    'ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_one_owner CHECK (num_nonnulls(user_id, team_id, org_id) = 1)',
  );
  await knex.raw(
    'CREATE UNIQUE INDEX notification_preferences_key ON notification_preferences (COALESCE(user_id, team_id, org_id), event_type, channel)',
  );

  await knex.schema.createTable('action_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('token_hash').notNullable().unique();
    t.text('action').notNullable();
    t.text('run_id').notNullable();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('action_tokens');
  await knex.schema.dropTableIfExists('notification_preferences');
  await knex.schema.dropTableIfExists('notification_deliveries');
  await knex.schema.alterTable('notification_events', (t) => {
    t.dropColumn('dedupe_key');
  });
}
