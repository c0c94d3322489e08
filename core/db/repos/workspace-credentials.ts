import type { Tx } from '../knex';

/** The workspaces that use a credential (their runs get its environment variables). */
export async function listCredentialWorkspaces(db: Tx, credentialId: string): Promise<{ id: string; name: string }[]> {
  return db('workspace_credentials as wc').join('workspaces as w', 'w.id', 'wc.workspace_id').where('wc.credential_id', credentialId).orderBy('w.name').select('w.id', 'w.name');
}

/** The credentials a workspace's runs use, in the order they were bound. */
export async function listWorkspaceCredentialIds(db: Tx, workspaceId: string): Promise<string[]> {
  const rows = await db('workspace_credentials').where({ workspace_id: workspaceId }).orderBy('created_at').select('credential_id');
  return rows.map((r: { credential_id: string }) => r.credential_id);
}

/** Binds a credential to a workspace (idempotent). The caller checks both belong to the same organisation. */
export async function bindWorkspaceCredential(db: Tx, workspaceId: string, credentialId: string): Promise<void> {
  await db('workspace_credentials').insert({ workspace_id: workspaceId, credential_id: credentialId }).onConflict(['workspace_id', 'credential_id']).ignore();
}

export async function unbindWorkspaceCredential(db: Tx, workspaceId: string, credentialId: string): Promise<void> {
  await db('workspace_credentials').where({ workspace_id: workspaceId, credential_id: credentialId }).delete();
}
