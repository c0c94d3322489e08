import type { SealedSecret } from '../../crypto/envelope';
import type { Tx } from '../knex';

export type Engine = 'tofu' | 'terraform' | 'pulumi';
export type Environment = 'development' | 'staging' | 'production';

/** Where a workspace's configuration comes from. */
export type WorkspaceSource =
  | { kind: 'upload' }
  | { kind: 'module'; namespace: string; name: string; system: string; version: string }
  | { kind: 'vcs'; connectionId: string; repository: string; ref: string; directory: string }
  | { kind: 'plugin'; plugin: string; version: string };

export interface WorkspaceRow {
  id: string;
  org_id: string;
  name: string;
  engine: Engine;
  engine_version: string | null;
  source: WorkspaceSource;
  environment: Environment;
  auto_apply: boolean;
  tags: Record<string, string>;
  drift_interval_minutes: number | null;
  drift_status: 'unknown' | 'in_sync' | 'drifted';
  drift_checked_at: Date | null;
  drift: { resources: { address: string; actions: string[] }[] } | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** Pulumi deployments: the plugin version, its validated inputs, and the stack's sealed passphrase. */
  plugin_version_id: string | null;
  inputs: Record<string, unknown> | null;
  stack_passphrase: SealedSecret | null;
}

export async function insertWorkspace(
  db: Tx,
  w: Pick<WorkspaceRow, 'org_id' | 'name' | 'engine' | 'engine_version' | 'source' | 'environment' | 'auto_apply' | 'tags' | 'drift_interval_minutes' | 'created_by'>,
): Promise<WorkspaceRow> {
  const [row] = await db('workspaces')
    .insert({ ...w, source: JSON.stringify(w.source), tags: JSON.stringify(w.tags) })
    .returning('*');
  return row as WorkspaceRow;
}

export async function findWorkspace(db: Tx, orgId: string, name: string): Promise<WorkspaceRow | undefined> {
  return db<WorkspaceRow>('workspaces').where({ org_id: orgId, name }).first();
}

export async function findWorkspaceById(db: Tx, id: string): Promise<WorkspaceRow | undefined> {
  return db<WorkspaceRow>('workspaces').where({ id }).first();
}

export async function listWorkspaces(db: Tx, orgId: string): Promise<WorkspaceRow[]> {
  return db<WorkspaceRow>('workspaces').where({ org_id: orgId }).orderBy('name');
}

export async function updateWorkspace(db: Tx, id: string, patch: Partial<Omit<WorkspaceRow, 'id' | 'org_id' | 'created_at'>>): Promise<void> {
  const row: Record<string, unknown> = { ...patch, updated_at: db.fn.now() };
  if (patch.source) row.source = JSON.stringify(patch.source);
  if (patch.tags) row.tags = JSON.stringify(patch.tags);
  if (patch.drift !== undefined) row.drift = patch.drift === null ? null : JSON.stringify(patch.drift);
  await db('workspaces').where({ id }).update(row);
}

export async function deleteWorkspace(db: Tx, id: string): Promise<void> {
  await db('workspaces').where({ id }).delete();
}

export interface VariableRow {
  id: string;
  workspace_id: string;
  key: string;
  category: 'terraform' | 'env';
  sensitive: boolean;
  hcl: boolean;
  value: string | null;
  sealed: SealedSecret | null;
}

export async function listVariables(db: Tx, workspaceId: string): Promise<VariableRow[]> {
  return db<VariableRow>('workspace_variables').where({ workspace_id: workspaceId }).orderBy(['category', 'key']);
}

/** Replaces the workspace's variables with `rows` (sensitive ones arrive sealed). */
export async function replaceVariables(db: Tx, workspaceId: string, rows: Omit<VariableRow, 'id' | 'workspace_id'>[]): Promise<void> {
  await db('workspace_variables').where({ workspace_id: workspaceId }).delete();
  if (rows.length) {
    await db('workspace_variables').insert(
      rows.map((r) => ({ ...r, workspace_id: workspaceId, sealed: r.sealed ? JSON.stringify(r.sealed) : null })),
    );
  }
}
