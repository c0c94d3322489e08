import { z } from 'zod';
import { orgParams } from '../orgs/schemas';

/** Event type names are checked against the contract's list by the route (a clear `webhook_event_unknown`). */
const events = z.array(z.string().max(64)).min(1).max(32);
const url = z.string().trim().min(1).max(2048);

export const createWebhookInput = z.object({ url, events });
export const patchWebhookInput = z
  .object({ url: url.optional(), events: events.optional(), enabled: z.boolean().optional() })
  .refine((p) => p.url !== undefined || p.events !== undefined || p.enabled !== undefined, 'change at least one of url, events, enabled');

export const webhookParams = orgParams.extend({ id: z.uuid() });
export const webhookDeliveryParams = webhookParams.extend({ deliveryId: z.uuid() });
