import { z } from 'zod';
import { accepted, isoDateTime, itemsOf } from '../common-shapes';

export const webhook = z.object({
  id: z.string(),
  organization: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  /** Why Strata turned the webhook off (a day of failed deliveries); null when on or turned off by a person. */
  disabledReason: z.string().nullable(),
  /** Since when every delivery has failed; null when the last one went through. */
  failingSince: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const webhookList = itemsOf(webhook);
export type Webhook = z.infer<typeof webhook>;

/** The answer to creating a webhook: the only time its signing secret is shown. */
export const webhookCreated = webhook.extend({ secret: z.string().startsWith('whsec_') });
export type WebhookCreated = z.infer<typeof webhookCreated>;

export const webhookDeliveryStatus = z.enum(['pending', 'retrying', 'delivered', 'failed']);

export const webhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  subject: z.string(),
  /** 0: the event's first delivery; n: the n-th redelivery. */
  redelivery: z.number().int(),
  workflowId: z.string(),
  status: webhookDeliveryStatus,
  attempts: z.number().int(),
  responseCode: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoDateTime.nullable(),
  deliveredAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const webhookDeliveryList = itemsOf(webhookDelivery);
export type WebhookDelivery = z.infer<typeof webhookDelivery>;

export const webhookRedeliveryAccepted = accepted.extend({ deliveryId: z.string() });
export const webhookTestAccepted = accepted.extend({ eventId: z.string() });
