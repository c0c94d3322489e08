/**
 * The one place where the notification fan-out meets the webhooks code: starts the signed-webhook delivery of an
 * event to each webhook id (idempotent per event and webhook). Until the webhook delivery workflow is part of the
 * build, it starts nothing. Workflow code: deterministic, no I/O.
 */
export type StartWebhookDeliveries = (input: { eventId: string; webhookIds: string[] }) => Promise<void>;

export const startWebhookDeliveries: StartWebhookDeliveries = async () => undefined;
