import type { Tx } from '../knex';

/** The workspaces that use a credential (their runs get its environment variables). */
export async function listCredentialWorkspaces(db: Tx, credentialId: string): Promise<{ id: string; name: string }[]> {
  const rows = await db('workspace_credentials').where({ credential_id: credentialId }).orderBy('workspace_id').select('workspace_id');
  return rows.map((r: { workspace_id: string }) => ({ id: r.workspace_id, name: r.workspace_id }));
}
