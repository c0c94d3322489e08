import type { Knex } from 'knex';

// Frozen: this file imports nothing from the application. Outgoing webhooks of an organisation (Standard Webhooks
// signatures, CloudEvents bodies) and the log of their deliveries. The signing secret is stored sealed (envelope
// encryption, bound to the webhook's id); it is shown once, when the webhook is created.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhooks', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('org_id').notNullable().references('organizations.id').onDelete('CASCADE');
    t.text('url').notNullable();
    t.specificType('events', 'text[]').notNullable();
    t.jsonb('secret_sealed').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    // Why the webhook was turned off by Strata (an endpoint failing for a day); null when a person did it.
    t.text('disabled_reason').nullable();
    // The first failed attempt since the last delivered one: a day of failures disables the webhook.
    t.timestamp('failing_since', { useTz: true }).nullable();
    t.uuid('created_by').nullable().references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['org_id']);
  });
  await knex.raw('CREATE INDEX webhooks_events ON webhooks USING gin (events)');
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('webhook_id').notNullable().references('webhooks.id').onDelete('CASCADE');
    t.uuid('event_id').notNullable().references('notification_events.id').onDelete('CASCADE');
    // 0 for the first delivery of the event, n for the n-th redelivery asked for by a person.
    t.integer('redelivery').notNullable().defaultTo(0);
    t.text('workflow_id').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('response_code').nullable();
    t.integer('duration_ms').nullable();
    t.text('last_error').nullable();
    t.timestamp('next_attempt_at', { useTz: true }).nullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['webhook_id', 'event_id', 'redelivery']);
    t.index(['webhook_id', 'created_at']);
  });
  await knex.raw("ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_status CHECK (status IN ('pending', 'retrying', 'delivered', 'failed'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_deliveries');
  await knex.schema.dropTableIfExists('webhooks');
}
