import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

export type ConnectionStatus = 'pending' | 'valid' | 'invalid';

export interface VcsConnectionRow {
  id: string;
  kind: string;
  name: string;
  /** The organisation that owns the connection. */
  org_id: string;
  base_url: string;
  token_sealed: SealedSecret;
  status: ConnectionStatus;
  status_reason: string | null;
  identity: string | null;
  checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The sealed token stays in the database layer unless a caller asks for it explicitly. */
const PUBLIC_COLUMNS = ['id', 'org_id', 'kind', 'name', 'base_url', 'status', 'status_reason', 'identity', 'checked_at', 'created_at', 'updated_at'];
export type VcsConnectionSummary = Omit<VcsConnectionRow, 'token_sealed'>;

/** The AAD context the connection's token is sealed under. */
export const connectionTokenContext = (id: string) => `vcs-connection:${id}:token`;

export async function insertVcsConnection(
  db: Tx,
  row: Pick<VcsConnectionRow, 'id' | 'org_id' | 'kind' | 'name' | 'base_url' | 'token_sealed'>,
): Promise<VcsConnectionSummary> {
  const [inserted] = await db('vcs_connections')
    .insert({ ...row, token_sealed: JSON.stringify(row.token_sealed) })
    .returning(PUBLIC_COLUMNS);
  return inserted as VcsConnectionSummary;
}

export async function findVcsConnection(db: Tx, id: string): Promise<VcsConnectionSummary | undefined> {
  return db('vcs_connections').where({ id }).first(PUBLIC_COLUMNS);
}

/** The connection with its sealed token, for the activities that call the provider. */
export async function findVcsConnectionWithToken(db: Tx, id: string): Promise<VcsConnectionRow | undefined> {
  return db('vcs_connections').where({ id }).first();
}

/** The connections of these organisations (undefined: of every organisation). */
export async function listVcsConnections(db: Tx, orgIds?: string[]): Promise<VcsConnectionSummary[]> {
  const q = db('vcs_connections').orderBy('name').select(PUBLIC_COLUMNS);
  return orgIds ? q.whereIn('org_id', orgIds) : q;
}

export async function recordVcsConnectionCheck(
  db: Tx,
  id: string,
  result: { status: ConnectionStatus; reason: string | null; identity: string | null },
): Promise<void> {
  await db('vcs_connections')
    .where({ id })
    .update({ status: result.status, status_reason: result.reason, identity: result.identity, checked_at: db.fn.now(), updated_at: db.fn.now() });
}

/** Deletes a connection; false when links still use it. */
export async function deleteVcsConnection(db: Tx, id: string): Promise<boolean> {
  const used = await db('vcs_links').where({ connection_id: id }).first('id');
  if (used) return false;
  await db('vcs_connections').where({ id }).delete();
  return true;
}
