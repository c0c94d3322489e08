import type { Tx } from '../knex';

const CHANNEL = 'strata_notifications';

export interface NotificationInput {
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  subject: string;
  body: string;
  data: Record<string, unknown>;
  /** Makes the notification idempotent: a retried activity raises it once. */
  dedupeKey: string;
}

export interface NotificationRow extends Omit<NotificationInput, 'dedupeKey'> {
  id: string;
  dedupe_key: string;
  created_at: Date;
  delivered_at: Date | null;
}

/**
 * Raises a notification: a row delivery channels (email, later) pick up, and a PostgreSQL NOTIFY so live
 * listeners hear of it at once. Returns false when it was raised before.
 */
export async function raiseNotification(db: Tx, n: NotificationInput): Promise<boolean> {
  const [row] = await db('notifications')
    .insert({ kind: n.kind, severity: n.severity, subject: n.subject, body: n.body, data: JSON.stringify(n.data), dedupe_key: n.dedupeKey })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  if (!row) return false;
  await db.raw('select pg_notify(?, ?)', [CHANNEL, JSON.stringify({ id: String((row as { id: string }).id), kind: n.kind })]);
  return true;
}

export async function listNotifications(db: Tx, filter: { kind?: string; limit: number }): Promise<NotificationRow[]> {
  const q = db('notifications').orderBy('id', 'desc').limit(filter.limit);
  if (filter.kind) q.where({ kind: filter.kind });
  return q;
}
