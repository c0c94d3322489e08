import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

/** One stored state version, without its (sealed) content. */
export interface StateVersionMeta {
  id: string;
  workspace_id: string;
  serial: number;
  lineage: string;
  sha256: string;
  size: number;
  resource_count: number;
  run_id: string | null;
  created_by: string | null;
  created_by_label: string | null;
  restored_from: string | null;
  created_at: Date;
}

export interface StateVersionRow extends StateVersionMeta {
  sealed: SealedSecret;
}

const META_COLUMNS = ['id', 'workspace_id', 'serial', 'lineage', 'sha256', 'size', 'resource_count', 'run_id', 'created_by', 'created_by_label', 'restored_from', 'created_at'] as const;

// `serial` is a bigint column: pg hands it over as a string.
const withSerial = <T extends { serial: number | string }>(row: T): T => ({ ...row, serial: Number(row.serial) });

/** The workspace's newest version (the highest serial: serials only grow), with its sealed content. */
export async function findCurrentStateVersion(db: Tx, workspaceId: string): Promise<StateVersionRow | undefined> {
  const row = await db<StateVersionRow>('state_versions').where({ workspace_id: workspaceId }).orderBy('serial', 'desc').first();
  return row && withSerial(row);
}

/** The newest version's metadata only: what a write checks against, without fetching megabytes of sealed content. */
export async function findCurrentStateVersionMeta(db: Tx, workspaceId: string): Promise<StateVersionMeta | undefined> {
  const row = (await db('state_versions').select(META_COLUMNS).where({ workspace_id: workspaceId }).orderBy('serial', 'desc').first()) as StateVersionMeta | undefined;
  return row && withSerial(row);
}

export async function findStateVersion(db: Tx, workspaceId: string, id: string): Promise<StateVersionRow | undefined> {
  const row = await db<StateVersionRow>('state_versions').where({ workspace_id: workspaceId, id }).first();
  return row && withSerial(row);
}

/** A page of the workspace's versions, newest first, and how many there are. */
export async function listStateVersions(db: Tx, workspaceId: string, page: { limit: number; offset: number }): Promise<{ items: StateVersionMeta[]; total: number }> {
  const [rows, count] = await Promise.all([
    db('state_versions').select(META_COLUMNS).where({ workspace_id: workspaceId }).orderBy('serial', 'desc').limit(page.limit).offset(page.offset),
    db('state_versions').where({ workspace_id: workspaceId }).count<{ count: string }[]>({ count: '*' }),
  ]);
  return { items: (rows as StateVersionMeta[]).map(withSerial), total: Number(count[0]?.count ?? 0) };
}

export async function insertStateVersion(
  db: Tx,
  v: Pick<StateVersionRow, 'workspace_id' | 'serial' | 'lineage' | 'sealed' | 'sha256' | 'size' | 'resource_count' | 'run_id' | 'created_by' | 'created_by_label' | 'restored_from'>,
): Promise<StateVersionMeta> {
  const [row] = await db('state_versions')
    .insert({ ...v, sealed: JSON.stringify(v.sealed) })
    .returning(META_COLUMNS as unknown as string[]);
  return withSerial(row as StateVersionMeta);
}

/** Holds the workspace's row until the transaction ends, so two state writes to one workspace never interleave. */
export async function lockWorkspaceState(db: Tx, workspaceId: string): Promise<boolean> {
  return Boolean(await db('workspaces').where({ id: workspaceId }).forUpdate().first('id'));
}
