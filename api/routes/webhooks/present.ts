import type { WebhookDeliveryListRow, WebhookSummary } from '../../../core/db/repos/webhooks';
import type { Webhook, WebhookDelivery } from './shapes';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const presentWebhook = (w: WebhookSummary, orgName: string): Webhook => ({
  id: w.id,
  organization: orgName,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  disabledReason: w.disabled_reason,
  failingSince: iso(w.failing_since),
  createdAt: iso(w.created_at)!,
  updatedAt: iso(w.updated_at)!,
});

export const presentWebhookDelivery = (d: WebhookDeliveryListRow): WebhookDelivery => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type,
  subject: d.event_subject,
  redelivery: d.redelivery,
  workflowId: d.workflow_id,
  status: d.status,
  attempts: d.attempts,
  responseCode: d.response_code,
  durationMs: d.duration_ms,
  lastError: d.last_error,
  nextAttemptAt: iso(d.next_attempt_at),
  deliveredAt: iso(d.delivered_at),
  createdAt: iso(d.created_at)!,
  updatedAt: iso(d.updated_at)!,
});
