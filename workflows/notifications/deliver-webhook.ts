import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { createWebhookActivities } from '../../activities/notifications/webhook-activities';
import { activityPresets } from '../../temporal/presets';

const webhooks = proxyActivities<ReturnType<typeof createWebhookActivities>>(activityPresets.webhookAttempt);

/**
 * Waits between attempts, in seconds: quick at first (a receiver restarting), then up to hours. With the first
 * attempt that is twelve attempts over about 29 hours, so an endpoint down for a day is turned off by its own
 * deliveries (the activity disables a webhook after 24 h of failures) before they run out.
 */
export const WEBHOOK_RETRY_DELAYS_S = [2, 5, 30, 120, 300, 1800, 3600, 7200, 18_000, 36_000, 36_000] as const;

export interface DeliverWebhookInput {
  eventId: string;
  webhookId: string;
  /** The redelivery number (absent or 0: the event's first delivery to this webhook). */
  attempt?: number;
}

export interface DeliverWebhookResult {
  deliveryId: string | null;
  status: 'delivered' | 'failed' | 'skipped';
  attempts: number;
}

/**
 * Delivers one notification event to one webhook: a signed POST per attempt, retried with durable sleeps, each
 * attempt recorded on the delivery row. Workflow ID `webhook-delivery:<eventId>:<webhookId>` (redelivery `…:r<n>`),
 * StrataKind `webhook-delivery`. The history holds ids and verdicts only, never the secret or the body.
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliverWebhookResult> {
  const { deliveryId, proceed } = await webhooks.startWebhookDelivery({
    eventId: input.eventId,
    webhookId: input.webhookId,
    redelivery: input.attempt ?? 0,
    workflowId: workflowInfo().workflowId,
  });
  if (!deliveryId || !proceed) return { deliveryId, status: 'skipped', attempts: 0 };
  for (let attempt = 1; ; attempt++) {
    const retryIn = WEBHOOK_RETRY_DELAYS_S[attempt - 1] ?? null;
    const result = await webhooks.attemptWebhookDelivery({ deliveryId, attempt, retryInSeconds: retryIn });
    if (result.delivered) return { deliveryId, status: 'delivered', attempts: attempt };
    if (result.stop) return { deliveryId, status: 'failed', attempts: attempt };
    if (retryIn === null) {
      await webhooks.failWebhookDelivery({ deliveryId });
      return { deliveryId, status: 'failed', attempts: attempt };
    }
    await sleep(retryIn * 1000);
  }
}
