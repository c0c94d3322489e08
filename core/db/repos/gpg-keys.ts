import type { Tx } from '../knex';

export interface GpgKeyRow {
  id: string;
  namespace: string;
  key_id: string;
  fingerprint: string;
  ascii_armor: string;
  source: string | null;
  source_url: string | null;
  created_at: Date;
}

export async function listGpgKeys(db: Tx, namespace: string): Promise<GpgKeyRow[]> {
  return db('gpg_keys').whereRaw('lower(namespace) = lower(?)', [namespace]).orderBy('created_at');
}

export async function insertGpgKey(db: Tx, row: Omit<GpgKeyRow, 'id' | 'created_at'>): Promise<GpgKeyRow> {
  const [inserted] = await db('gpg_keys').insert(row).returning('*');
  return inserted as GpgKeyRow;
}

export async function deleteGpgKey(db: Tx, namespace: string, keyId: string): Promise<boolean> {
  const n = await db('gpg_keys').whereRaw('lower(namespace) = lower(?)', [namespace]).where({ key_id: keyId.toUpperCase() }).del();
  return n > 0;
}
