import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

export interface WebhookRow {
  id: string;
  org_id: string;
  url: string;
  events: string[];
  secret_sealed: SealedSecret;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A webhook without its sealed secret: what lists and the API see. */
export type WebhookSummary = Omit<WebhookRow, 'secret_sealed'>;
const PUBLIC_COLUMNS = ['id', 'org_id', 'url', 'events', 'enabled', 'disabled_reason', 'failing_since', 'created_by', 'created_at', 'updated_at'];

/** The AAD context a webhook's signing secret is sealed under. */
export const webhookSecretContext = (id: string) => `webhook:${id}:secret`;

export async function insertWebhook(
  db: Tx,
  row: { id: string; orgId: string; url: string; events: string[]; secretSealed: SealedSecret; createdBy: string | null },
): Promise<WebhookSummary> {
  const [inserted] = await db('webhooks')
    .insert({ id: row.id, org_id: row.orgId, url: row.url, events: row.events, secret_sealed: JSON.stringify(row.secretSealed), created_by: row.createdBy })
    .returning(PUBLIC_COLUMNS);
  return inserted as WebhookSummary;
}

export async function listWebhooks(db: Tx, orgId: string): Promise<WebhookSummary[]> {
  return db('webhooks').where({ org_id: orgId }).orderBy('created_at').select(PUBLIC_COLUMNS);
}

/** One webhook of the organisation (another organisation's is undefined, as a missing one). */
export async function findWebhook(db: Tx, orgId: string, id: string): Promise<WebhookSummary | undefined> {
  return db('webhooks').where({ org_id: orgId, id }).first(PUBLIC_COLUMNS);
}

/** The webhook with its sealed secret, for the delivery activity only. */
export async function findWebhookWithSecret(db: Tx, id: string): Promise<WebhookRow | undefined> {
  return db<WebhookRow>('webhooks').where({ id }).first();
}

/**
 * Changes url/events/enabled. Turning a webhook on forgets why it was turned off and its failing streak; a new URL
 * is a new endpoint, so its streak starts afresh too.
 */
export async function updateWebhook(db: Tx, id: string, change: { url?: string; events?: string[]; enabled?: boolean }): Promise<void> {
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (change.url !== undefined) {
    patch.url = change.url;
    patch.failing_since = null;
  }
  if (change.events !== undefined) patch.events = change.events;
  if (change.enabled !== undefined) {
    patch.enabled = change.enabled;
    patch.disabled_reason = null;
    if (change.enabled) patch.failing_since = null;
  }
  await db('webhooks').where({ id }).update(patch);
}

export async function deleteWebhook(db: Tx, id: string): Promise<boolean> {
  return (await db('webhooks').where({ id }).delete()) > 0;
}

/** Enabled webhooks of the organisation subscribed to the event type: the notification fan-out's webhook recipients. */
export async function findWebhooksForEvent(db: Tx, input: { orgId: string; type: string }): Promise<{ id: string }[]> {
  return db('webhooks')
    .where({ org_id: input.orgId, enabled: true })
    .whereRaw('? = ANY(events)', [input.type])
    .orderBy('created_at')
    .select('id');
}

/** A delivery answered successfully: the endpoint is healthy again. */
export async function markWebhookHealthy(db: Tx, id: string): Promise<void> {
  await db('webhooks').where({ id }).whereNotNull('failing_since').update({ failing_since: null });
}

/** A failed attempt: starts the failing streak if none is running, and returns when it started. */
export async function markWebhookFailing(db: Tx, id: string): Promise<Date | null> {
  const [row] = await db('webhooks').where({ id }).update({ failing_since: db.raw('COALESCE(failing_since, now())') }).returning('failing_since');
  return (row as { failing_since: Date } | undefined)?.failing_since ?? null;
}

/** Turns an enabled webhook off on Strata's behalf; false when it was off already. */
export async function disableWebhook(db: Tx, id: string, reason: string): Promise<boolean> {
  return (await db('webhooks').where({ id, enabled: true }).update({ enabled: false, disabled_reason: reason, updated_at: db.fn.now() })) > 0;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface WebhookDeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  redelivery: number;
  workflow_id: string;
  status: DeliveryStatus;
  attempts: number;
  response_code: number | null;
  duration_ms: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export type WebhookDeliveryListRow = WebhookDeliveryRow & { event_type: string; event_subject: string };

/** The delivery of an event to a webhook (its n-th redelivery), created once: a repeated call returns the same row. */
export async function ensureWebhookDelivery(db: Tx, row: { webhookId: string; eventId: string; redelivery: number; workflowId: string }): Promise<WebhookDeliveryRow> {
  const key = { webhook_id: row.webhookId, event_id: row.eventId, redelivery: row.redelivery };
  await db('webhook_deliveries').insert({ ...key, workflow_id: row.workflowId }).onConflict(['webhook_id', 'event_id', 'redelivery']).ignore();
  return (await db<WebhookDeliveryRow>('webhook_deliveries').where(key).first())!;
}

/** The next redelivery number of an event to a webhook. */
export async function nextRedelivery(db: Tx, webhookId: string, eventId: string): Promise<number> {
  const row = await db('webhook_deliveries').where({ webhook_id: webhookId, event_id: eventId }).max<{ max: number | null }>('redelivery as max').first();
  return (row?.max ?? -1) + 1;
}

export async function findWebhookDelivery(db: Tx, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db<WebhookDeliveryRow>('webhook_deliveries').where({ webhook_id: webhookId, id }).first();
}

export async function findWebhookDeliveryById(db: Tx, id: string): Promise<WebhookDeliveryRow | undefined> {
  return db<WebhookDeliveryRow>('webhook_deliveries').where({ id }).first();
}

/** The webhook's delivery log, newest first. */
export async function listWebhookDeliveries(db: Tx, webhookId: string, limit = 100): Promise<WebhookDeliveryListRow[]> {
  return db('webhook_deliveries as d')
    .join('notification_events as e', 'e.id', 'd.event_id')
    .where('d.webhook_id', webhookId)
    .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.redelivery', order: 'desc' }])
    .limit(limit)
    .select('d.*', 'e.type as event_type', 'e.subject as event_subject');
}

/** Records one attempt's outcome. */
export async function recordDeliveryAttempt(
  db: Tx,
  id: string,
  outcome: { attempt: number; delivered: boolean; responseCode: number | null; durationMs: number; error: string | null; nextAttemptAt: Date | null },
): Promise<void> {
  await db('webhook_deliveries')
    .where({ id })
    .update({
      attempts: outcome.attempt,
      status: outcome.delivered ? 'delivered' : 'retrying',
      response_code: outcome.responseCode,
      duration_ms: outcome.durationMs,
      last_error: outcome.error,
      next_attempt_at: outcome.nextAttemptAt,
      delivered_at: outcome.delivered ? db.fn.now() : null,
      updated_at: db.fn.now(),
    });
}

/** No more attempts: the delivery failed (a later redelivery can still succeed). */
export async function markDeliveryFailed(db: Tx, id: string, reason: string | null): Promise<void> {
  await db('webhook_deliveries')
    .where({ id })
    .whereNot({ status: 'delivered' })
    .update({ status: 'failed', next_attempt_at: null, updated_at: db.fn.now(), ...(reason ? { last_error: reason } : {}) });
}

/**
 * Marks an event as dispatched when it is born: a `webhook.test` event goes to one webhook only, never through the
 * fan-out (whose sweeper starts any undispatched event).
 */
export async function markEventDispatched(db: Tx, eventId: string): Promise<void> {
  await db('notification_events').where({ id: eventId }).update({ dispatched_at: db.fn.now() });
}
