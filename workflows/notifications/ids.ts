/** Business workflow IDs of the notification system. Free of Node APIs (workflows and the API import this file). */
export const notificationWorkflowIds = {
  /** The fan-out of one event: started once per event, so an event is never delivered twice. */
  notify: (eventId: string) => `notify:${eventId}`,
  /** One delivery of an event to a webhook; the n-th redelivery asked for by a person gets `:r<n>`. */
  webhookDelivery: (eventId: string, webhookId: string, redelivery = 0) => `webhook-delivery:${eventId}:${webhookId}${redelivery > 0 ? `:r${redelivery}` : ''}`,
};

/** The schedule that starts events whose fan-out was never started (a crash between commit and start). */
export const NOTIFICATION_SWEEP_SCHEDULE_ID = 'notification-sweep';
