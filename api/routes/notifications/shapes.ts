import { z } from 'zod';
import { isoDateTime } from '../common-shapes';

export const inboxItem = z.object({
  id: z.uuid(),
  type: z.string(),
  subject: z.string(),
  link: z.string().nullable(),
  orgId: z.uuid().nullable(),
  payload: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  createdAt: isoDateTime,
});
export type InboxItem = z.infer<typeof inboxItem>;

export const inbox = z.object({ items: z.array(inboxItem), unread: z.number().int().min(0) });
export type Inbox = z.infer<typeof inbox>;

export const readAll = z.object({ updated: z.number().int().min(0) });

export const preferenceItem = z.object({ eventType: z.string(), channel: z.enum(['email', 'in_app']), enabled: z.boolean() });
export type NotificationPreference = z.infer<typeof preferenceItem>;
export const preferenceSet = z.object({
  items: z.array(preferenceItem),
  /** The event types a preference can change (account mails cannot be turned off). */
  eventTypes: z.array(z.string()),
});
export type PreferenceSet = z.infer<typeof preferenceSet>;

export const unsubscribed = z.object({ eventType: z.string(), channel: z.literal('email'), enabled: z.boolean() });

export const actionLink = z.object({
  action: z.enum(['run.approve', 'run.discard']),
  runId: z.string(),
  expiresAt: isoDateTime,
  /** Was the link sent to the signed-in user? Only they may confirm it. */
  yours: z.boolean(),
  /** Can this server carry the action out now? */
  available: z.boolean(),
});
export type ActionLinkView = z.infer<typeof actionLink>;

export const actionDone = z.object({ action: z.enum(['run.approve', 'run.discard']), runId: z.string(), done: z.literal(true) });
