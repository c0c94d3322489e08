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
  /** Set when the key was withdrawn while versions it signed stay published. */
  revoked_at: Date | null;
}

const inNamespace = (db: Tx, namespace: string) => db('gpg_keys').whereRaw('lower(namespace) = lower(?)', [namespace]);

/** Every key of the namespace, revoked ones included (the management listing shows them as revoked). */
export async function listGpgKeys(db: Tx, namespace: string): Promise<GpgKeyRow[]> {
  return inNamespace(db, namespace).orderBy('created_at').orderBy('id');
}

/** The keys a new release may be signed with: revoked keys verify nothing new. */
export async function listActiveGpgKeys(db: Tx, namespace: string): Promise<GpgKeyRow[]> {
  return inNamespace(db, namespace).whereNull('revoked_at').orderBy('created_at').orderBy('id');
}

/**
 * The keys a client is given to verify one published version: the active ones, plus the key that signed the
 * version even if it was revoked since — withdrawing a key must not break `init` for what it already signed.
 */
export async function listGpgKeysForVersion(db: Tx, namespace: string, signingKeyId: string): Promise<GpgKeyRow[]> {
  return inNamespace(db, namespace)
    .where((q) => q.whereNull('revoked_at').orWhere({ key_id: signingKeyId.toUpperCase() }))
    .orderBy('created_at')
    .orderBy('id');
}

export async function insertGpgKey(db: Tx, row: Omit<GpgKeyRow, 'id' | 'created_at' | 'revoked_at'>): Promise<GpgKeyRow> {
  const [inserted] = await db('gpg_keys').insert(row).returning('*');
  return inserted as GpgKeyRow;
}

/** The key, locked against a concurrent delete or revoke until the transaction ends. */
export async function lockGpgKey(db: Tx, namespace: string, keyId: string): Promise<GpgKeyRow | undefined> {
  return inNamespace(db, namespace).where({ key_id: keyId.toUpperCase() }).forUpdate().first();
}

/**
 * The key, share-locked until the transaction ends: a publish recording a version signed by it holds this so a
 * concurrent delete waits and then sees the new version (and refuses), instead of orphaning the signature.
 */
export async function shareGpgKey(db: Tx, namespace: string, keyId: string): Promise<GpgKeyRow | undefined> {
  return inNamespace(db, namespace).where({ key_id: keyId.toUpperCase() }).forShare().first();
}

/** How many published versions of the namespace's providers name this key as their signer. */
export async function countVersionsSignedBy(db: Tx, namespace: string, keyId: string): Promise<number> {
  const row = await db('provider_versions as v')
    .join('providers as p', 'p.id', 'v.provider_id')
    .whereRaw('lower(p.namespace) = lower(?)', [namespace])
    .where('v.signing_key_id', keyId.toUpperCase())
    .count<{ n: string }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

export async function deleteGpgKey(db: Tx, id: string): Promise<void> {
  await db('gpg_keys').where({ id }).del();
}

export async function revokeGpgKey(db: Tx, id: string): Promise<GpgKeyRow> {
  const [row] = await db('gpg_keys').where({ id }).update({ revoked_at: db.raw('coalesce(revoked_at, now())') }).returning('*');
  return row as GpgKeyRow;
}
