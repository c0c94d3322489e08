/** Business workflow IDs of the notification system. Free of Node APIs (workflows import this file). */
export const notificationWorkflowIds = {
  /** The fan-out of one event: started once per event, so an event is never delivered twice. */
  notify: (eventId: string) => `notify:${eventId}`,
};

/** The schedule that starts events whose fan-out was never started (a crash between commit and start). */
export const NOTIFICATION_SWEEP_SCHEDULE_ID = 'notification-sweep';
