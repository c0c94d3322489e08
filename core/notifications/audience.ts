import type { Tx } from '../db/knex';
import type { NotificationEventRow } from '../db/repos/notification-events';
import { findWebhooksForEvent } from '../db/repos/webhooks';
import { isEventType } from './event-types';
import { resolveRecipients } from './recipients';
import { ACCOUNT_MAILS } from './rules';

/** The organisation's webhooks that want this event (none for personal events and account mails). */
export async function webhookTargets(db: Tx, event: NotificationEventRow): Promise<string[]> {
  if (!event.org_id || event.user_id || !isEventType(event.type) || ACCOUNT_MAILS.has(event.type)) return [];
  return (await findWebhooksForEvent(db, { orgId: event.org_id, type: event.type })).map((w) => w.id);
}

/**
 * Whether anyone would hear of the event: a recipient on some channel, or a webhook. An event nobody hears of
 * needs no fan-out workflow (most publishes into an organisation nobody follows), so it costs its row only.
 */
export async function hasAudience(db: Tx, event: NotificationEventRow): Promise<boolean> {
  return (await resolveRecipients(db, event)).length > 0 || (await webhookTargets(db, event)).length > 0;
}
