import type { Channel } from '../../notifications/rules';
import type { Tx } from '../knex';

export type DeliveryStatus = 'pending' | 'sent' | 'skipped' | 'failed';

export interface DeliveryRow {
  id: string;
  event_id: string;
  user_id: string;
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  read_at: Date | null;
  dismissed_at: Date | null;
  created_at: Date;
}

/**
 * Records the deliveries of an event (idempotent: the unique key is event, user and channel) and returns every
 * delivery of the event, old and new — a re-planned fan-out after a crash finds the rows it made before.
 */
export async function planDeliveries(db: Tx, eventId: string, targets: { userId: string; channel: Channel }[]): Promise<DeliveryRow[]> {
  if (targets.length > 0) {
    await db('notification_deliveries')
      .insert(targets.map((t) => ({ event_id: eventId, user_id: t.userId, channel: t.channel })))
      .onConflict(['event_id', 'user_id', 'channel'])
      .ignore();
  }
  return db<DeliveryRow>('notification_deliveries').where({ event_id: eventId }).orderBy(['user_id', 'channel']);
}

/** The delivery, locked for the transaction (one sender at a time). */
export async function lockDelivery(db: Tx, id: string): Promise<DeliveryRow | undefined> {
  return db<DeliveryRow>('notification_deliveries').where({ id }).forUpdate().first();
}

export async function findDelivery(db: Tx, id: string): Promise<DeliveryRow | undefined> {
  return db<DeliveryRow>('notification_deliveries').where({ id }).first();
}

export async function markDelivered(db: Tx, id: string, status: 'sent' | 'skipped' | 'failed', error: string | null = null): Promise<void> {
  await db('notification_deliveries')
    .where({ id })
    .update({ status, last_error: error, sent_at: status === 'sent' ? db.fn.now() : null, attempts: db.raw('attempts + 1') });
}

export async function recordAttemptFailed(db: Tx, id: string, error: string): Promise<void> {
  await db('notification_deliveries').where({ id }).update({ last_error: error.slice(0, 1000), attempts: db.raw('attempts + 1') });
}

export interface InboxItemRow {
  id: string;
  read_at: Date | null;
  created_at: Date;
  type: string;
  subject: string;
  link: string | null;
  payload: Record<string, unknown>;
  org_id: string | null;
}

/** The user's in-app notifications, newest first (deleted ones left out). */
export async function listInbox(db: Tx, userId: string, input: { limit: number; unreadOnly: boolean; before?: Date }): Promise<InboxItemRow[]> {
  const q = db('notification_deliveries as d')
    .join('notification_events as e', 'e.id', 'd.event_id')
    .where({ 'd.user_id': userId, 'd.channel': 'in_app' })
    .whereNull('d.dismissed_at')
    .select('d.id', 'd.read_at', 'd.created_at', 'e.type', 'e.subject', 'e.link', 'e.payload', 'e.org_id')
    .orderBy([{ column: 'd.created_at', order: 'desc' }, { column: 'd.id', order: 'desc' }])
    .limit(input.limit);
  if (input.unreadOnly) q.whereNull('d.read_at');
  if (input.before) q.where('d.created_at', '<', input.before);
  return q;
}

export async function countUnread(db: Tx, userId: string): Promise<number> {
  const row = await db('notification_deliveries')
    .where({ user_id: userId, channel: 'in_app' })
    .whereNull('read_at')
    .whereNull('dismissed_at')
    .count<{ count: string }[]>('* as count')
    .first();
  return Number(row?.count ?? 0);
}

/** Marks one (or, without `id`, every) in-app notification of the user read; returns how many changed. */
export async function markRead(db: Tx, userId: string, id?: string): Promise<number> {
  const q = db('notification_deliveries').where({ user_id: userId, channel: 'in_app' }).whereNull('read_at').whereNull('dismissed_at');
  if (id) q.where({ id });
  return q.update({ read_at: db.fn.now() });
}

/** Is this in-app notification the user's (and not deleted)? */
export async function inboxItemExists(db: Tx, userId: string, id: string): Promise<boolean> {
  return Boolean(await db('notification_deliveries').where({ id, user_id: userId, channel: 'in_app' }).whereNull('dismissed_at').first('id'));
}

export async function dismiss(db: Tx, userId: string, id: string): Promise<boolean> {
  return (await db('notification_deliveries').where({ id, user_id: userId, channel: 'in_app' }).whereNull('dismissed_at').update({ dismissed_at: db.fn.now() })) > 0;
}
