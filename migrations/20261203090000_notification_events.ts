import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Every notifiable event, written once (an outbox): the
// `notify:<eventId>` workflow fans it out to email, in-app and webhooks. The payload never holds a secret.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notification_events', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('type').notNullable();
    t.uuid('org_id').nullable().references('organizations.id').onDelete('CASCADE');
    // Personal events (security, account mails) go to this user only.
    t.uuid('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.text('subject').notNullable();
    t.text('link').nullable();
    t.jsonb('payload').notNullable().defaultTo('{}');
    // Set once the fan-out workflow has been started: a sweeper starts any event left without one.
    t.timestamp('dispatched_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['org_id', 'created_at']);
    t.index(['user_id', 'created_at']);
  });
  await knex.raw('CREATE INDEX notification_events_undispatched ON notification_events (created_at) WHERE dispatched_at IS NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notification_events');
}
