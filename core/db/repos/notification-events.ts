import type { NotificationEventInput } from '../../notifications/event-types';
import type { Tx } from '../knex';

export interface NotificationEventRow {
  id: string;
  type: string;
  org_id: string | null;
  user_id: string | null;
  subject: string;
  link: string | null;
  payload: Record<string, unknown>;
  dispatched_at: Date | null;
  created_at: Date;
}

/** Records an event in `db` (the transaction of the change it reports, when there is one) and returns its id. */
export async function insertNotificationEvent(db: Tx, e: NotificationEventInput): Promise<string> {
  const [row] = await db('notification_events')
    .insert({ type: e.type, org_id: e.orgId, user_id: e.userId ?? null, subject: e.subject, link: e.link ?? null, payload: e.payload ?? {} })
    .returning('id');
  return (row as { id: string }).id;
}

export async function findNotificationEvent(db: Tx, id: string): Promise<NotificationEventRow | undefined> {
  return db<NotificationEventRow>('notification_events').where({ id }).first();
}
