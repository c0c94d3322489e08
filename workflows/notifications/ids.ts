/** Workflow IDs of notification deliveries (free of Node APIs: workflows and the API import it). */
export const notificationWorkflowIds = {
  /** One delivery of an event to a webhook; the n-th redelivery asked for by a person gets `:r<n>`. */
  webhookDelivery: (eventId: string, webhookId: string, redelivery = 0) => `webhook-delivery:${eventId}:${webhookId}${redelivery > 0 ? `:r${redelivery}` : ''}`,
};
