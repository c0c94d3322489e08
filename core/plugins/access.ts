import { atLeast, effectiveRole, type Access } from '../auth/policy';
import type { Tx } from '../db/knex';

/**
 * May this principal deploy the plugin? An unlocked plugin: any member of its organisation with the publisher
 * role or more (the role that runs workspaces). A locked one: the organisation's admins and owners, or a
 * publisher whose access request was approved (and not revoked since).
 */
export async function mayUsePlugin(
  db: Tx,
  input: { access: Access; userId: string | null; plugin: { id: string; org_id: string; locked: boolean } },
): Promise<boolean> {
  const role = effectiveRole(input.access, { orgId: input.plugin.org_id });
  if (!atLeast(role, 'publisher')) return false;
  if (!input.plugin.locked || atLeast(role, 'admin')) return true;
  if (!input.userId) return false;
  const granted = await db('plugin_access_requests').where({ plugin_id: input.plugin.id, user_id: input.userId, status: 'approved' }).first('id');
  return Boolean(granted);
}
