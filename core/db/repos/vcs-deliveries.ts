import type { Tx } from '../knex';

export type DeliveryResult =
  | 'started'
  | 'ignored'
  | 'in-progress'
  | 'published'
  | 'unchanged'
  | 'violation'
  | 'not-a-release'
  | 'tag-missing'
  | 'failed';

export interface VcsDeliveryRow {
  id: string;
  provider: string;
  delivery_id: string;
  link_id: string | null;
  payload_sha256: string;
  event: string;
  repository: string | null;
  ref: string | null;
  tag: string | null;
  result: DeliveryResult;
  detail: string | null;
  workflow_id: string | null;
  received_at: Date;
  updated_at: Date;
}

/**
 * Records a verified delivery once. Returns null when the same delivery id (a redelivery) or the same payload for
 * the same link (a replay) was recorded before: the caller then does nothing.
 */
export async function recordVcsDelivery(
  db: Tx,
  row: Pick<VcsDeliveryRow, 'provider' | 'delivery_id' | 'link_id' | 'payload_sha256' | 'event' | 'repository' | 'ref' | 'tag' | 'result' | 'detail' | 'workflow_id'>,
): Promise<VcsDeliveryRow | null> {
  const [inserted] = await db('vcs_deliveries').insert(row).onConflict().ignore().returning('*');
  return (inserted as VcsDeliveryRow | undefined) ?? null;
}

export async function updateVcsDelivery(db: Tx, id: string, update: { result: DeliveryResult; detail?: string | null; workflowId?: string | null }): Promise<void> {
  await db('vcs_deliveries')
    .where({ id })
    .update({
      result: update.result,
      ...(update.detail !== undefined ? { detail: update.detail } : {}),
      ...(update.workflowId !== undefined ? { workflow_id: update.workflowId } : {}),
      updated_at: db.fn.now(),
    });
}

export async function deleteVcsDelivery(db: Tx, id: string): Promise<void> {
  await db('vcs_deliveries').where({ id }).delete();
}

export async function listVcsDeliveries(db: Tx, linkId: string, limit: number): Promise<VcsDeliveryRow[]> {
  return db('vcs_deliveries').where({ link_id: linkId }).orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
}
