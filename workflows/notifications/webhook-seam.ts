import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { deliverWebhook } from './deliver-webhook';
import { notificationWorkflowIds } from './ids';

/**
 * Where the notification fan-out meets the webhooks: starts the signed delivery of an event to each webhook, as a
 * child under its business ID (`webhook-delivery:<eventId>:<webhookId>`), so a replayed or repeated fan-out never
 * delivers twice. Deliveries outlive the fan-out (abandoned, not terminated, when it ends).
 */
export async function startWebhookDeliveries(input: { eventId: string; webhookIds: string[] }): Promise<void> {
  for (const webhookId of input.webhookIds) {
    try {
      await startChild(deliverWebhook, {
        workflowId: notificationWorkflowIds.webhookDelivery(input.eventId, webhookId),
        args: [{ eventId: input.eventId, webhookId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}
