/**
 * Notification event type names: part of the contract (webhook consumers and preferences store them). Free of
 * Node APIs: workflows import this file too.
 */
export const EVENT_TYPES = [
  'module.published',
  'module.publish_failed',
  'provider.published',
  'provider.publish_failed',
  'vcs.tag_moved',
  'run.awaiting_approval',
  'run.applied',
  'run.errored',
  'run.drift_detected',
  'credential.invalid',
  'credential.expiring',
  'token.created',
  'user.new_sign_in',
  'user.invited',
  'user.verify_email',
  'user.password_reset',
  'webhook.test',
  'webhook.disabled',
  'plugin.access_requested',
  'plugin.access_decided',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);

/** What any part of Strata raises; the notification system decides who hears about it and how. */
export interface NotificationEventInput {
  type: EventType;
  /** The organisation it belongs to (null for personal events such as a new sign-in). */
  orgId: string | null;
  /** For personal events: the only recipient. */
  userId?: string | null;
  /** A short human subject line: "acme/net/aws 1.2.0 published". */
  subject: string;
  /** Path into the dashboard (joined to the public URL when rendered), e.g. `/runs/<id>`. */
  link?: string | null;
  /** Facts for templates and webhook bodies. Never a secret. */
  payload?: Record<string, unknown>;
}
