import { proxyActivities } from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notification-activities';
import { activityPresets } from '../../temporal/presets';
import { startWebhookDeliveries } from './webhook-seam';

const planning = proxyActivities<ReturnType<typeof createNotificationActivities>>(activityPresets.short);
// Mail retries with backoff for as long as it takes: a mail server that is down delays mail, loses none.
const mail = proxyActivities<ReturnType<typeof createNotificationActivities>>(activityPresets.delivery);

export interface NotifyInput {
  eventId: string;
}

/**
 * The fan-out of one notification event (workflow ID `notify:<eventId>`, StrataKind `notification`): plans one
 * delivery per recipient and channel from their preferences (recorded under a unique key, so a fan-out re-planned
 * after a crash finds the same rows), delivers each with retries (one already sent is not sent again), and starts
 * the organisation's webhook deliveries (workflows/notifications/webhook-seam.ts).
 */
export async function notify(input: NotifyInput): Promise<{ deliveries: number; webhooks: number }> {
  const { deliveries } = await planning.planNotificationDeliveries({ eventId: input.eventId });
  const { webhookIds } = await planning.listWebhookTargets({ eventId: input.eventId });
  await Promise.all([
    ...deliveries.map((d) => (d.channel === 'email' ? mail.deliverEmail({ deliveryId: d.id }) : planning.deliverInApp({ deliveryId: d.id }))),
    webhookIds.length > 0 ? startWebhookDeliveries({ eventId: input.eventId, webhookIds }) : Promise.resolve(),
  ]);
  return { deliveries: deliveries.length, webhooks: webhookIds.length };
}
