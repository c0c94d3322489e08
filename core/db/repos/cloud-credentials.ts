import type { CredentialSettings } from '../../credentials/kinds';
import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

export type CredentialStatus = 'pending' | 'valid' | 'invalid';

/** A credential as stored, without its secret (that lives sealed in `cloud_credential_versions`). */
export interface CloudCredentialRow {
  id: string;
  org_id: string;
  name: string;
  kind: string;
  settings: CredentialSettings;
  status: CredentialStatus;
  checked_at: Date | null;
  identity: Record<string, string> | null;
  error: string | null;
  expires_at: Date | null;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** The AAD context a version's secret is sealed under: a sealed value copied to another row or version does not open. */
export const credentialSecretContext = (id: string, version: number) => `cloud-credential:${id}:v${version}`;

const live = (db: Tx) => db<CloudCredentialRow>('cloud_credentials').whereNull('deleted_at');

export async function insertCloudCredential(
  db: Tx,
  row: Pick<CloudCredentialRow, 'id' | 'org_id' | 'name' | 'kind' | 'settings'> & { secretSealed: SealedSecret },
): Promise<CloudCredentialRow> {
  const [inserted] = await db('cloud_credentials')
    .insert({ id: row.id, org_id: row.org_id, name: row.name, kind: row.kind, settings: JSON.stringify(row.settings), current_version: 1 })
    .returning('*');
  await db('cloud_credential_versions').insert({ credential_id: row.id, version: 1, secret_sealed: JSON.stringify(row.secretSealed) });
  return inserted as CloudCredentialRow;
}

/** A live (not deleted) credential. */
export async function findCloudCredential(db: Tx, id: string): Promise<CloudCredentialRow | undefined> {
  return live(db).where({ id }).first();
}

/** The credential and its current version's sealed secret, for the activities that use it. */
export async function findCloudCredentialSecret(db: Tx, id: string): Promise<{ row: CloudCredentialRow; sealed: SealedSecret } | undefined> {
  const row = await findCloudCredential(db, id);
  if (!row) return undefined;
  const version = await db('cloud_credential_versions').where({ credential_id: id, version: row.current_version }).first('secret_sealed');
  return version ? { row, sealed: version.secret_sealed as SealedSecret } : undefined;
}

export async function listCloudCredentials(db: Tx, orgId: string): Promise<CloudCredentialRow[]> {
  return live(db).where({ org_id: orgId }).orderBy('name');
}

/** Ids of live credentials in id order, a page at a time (the scheduled re-check). */
export async function listCloudCredentialIds(db: Tx, page: { after?: string; limit: number }): Promise<{ id: string; org_name: string }[]> {
  const q = db('cloud_credentials as c')
    .join('organizations as o', 'o.id', 'c.org_id')
    .whereNull('c.deleted_at')
    .orderBy('c.id')
    .limit(page.limit)
    .select('c.id', 'o.name as org_name');
  return page.after ? q.where('c.id', '>', page.after) : q;
}

/**
 * Rotation: the next version holds the new secret and becomes current; the verdict goes back to `pending` until
 * the new secret has been checked. Locks the row so two rotations never write the same version.
 */
export async function rotateCloudCredential(db: Tx, id: string, seal: (version: number) => SealedSecret, settings: CredentialSettings): Promise<CloudCredentialRow | undefined> {
  const row = await live(db).where({ id }).forUpdate().first();
  if (!row) return undefined;
  const version = row.current_version + 1;
  await db('cloud_credential_versions').insert({ credential_id: id, version, secret_sealed: JSON.stringify(seal(version)) });
  const [updated] = await db('cloud_credentials')
    .where({ id })
    .update({ current_version: version, settings: JSON.stringify(settings), status: 'pending', error: null, identity: null, expires_at: null, checked_at: null, updated_at: db.fn.now() })
    .returning('*');
  return updated as CloudCredentialRow;
}

/** Records a check's verdict; returns the row as it was before (under a lock), or undefined when it is gone. */
export async function recordCredentialCheck(
  db: Tx,
  id: string,
  result: { status: CredentialStatus; identity: Record<string, string> | null; error: string | null; expiresAt: Date | null; version: number },
): Promise<CloudCredentialRow | undefined> {
  const before = await live(db).where({ id }).forUpdate().first();
  // A rotation while the check ran: its verdict is about a secret that is no longer current.
  if (!before || before.current_version !== result.version) return undefined;
  await db('cloud_credentials')
    .where({ id })
    .update({
      status: result.status,
      identity: result.identity === null ? null : JSON.stringify(result.identity),
      error: result.error,
      expires_at: result.expiresAt,
      checked_at: db.fn.now(),
      updated_at: db.fn.now(),
    });
  return before;
}

export async function softDeleteCloudCredential(db: Tx, id: string): Promise<void> {
  await db('cloud_credentials').where({ id }).update({ deleted_at: db.fn.now(), updated_at: db.fn.now() });
}
