import type { Context } from 'koa';
import { can } from '../core/auth/policy';
import { findCloudCredential } from '../core/db/repos/cloud-credentials';
import { findOrgByName } from '../core/db/repos/organizations';
import { NotFound } from '../core/errors';
import type { AppDeps, AppState } from './deps';
import { requireSignedIn } from './authz';

type Ctx = Context & { state: AppState };

/** The registry namespace a workflow works on, read from its business id (null: not a namespace's workflow). */
export function workflowNamespace(workflowId: string): string | null {
  const m = /^(?:module-publish|provider-publish):([^/]+)\//.exec(workflowId);
  return m ? m[1]! : null;
}

/**
 * May the principal see this workflow? Publishes are visible to whoever may read their namespace; every other
 * process (VCS syncs, connection checks, schedules) to platform admins; a credential's check to its organisation's members, with a token that is not narrowed.
 */
export async function mayViewWorkflow(deps: Pick<AppDeps, 'namespaces' | 'db'>, ctx: Ctx, workflowId: string): Promise<boolean> {
  const { access } = ctx.state.identity;
  if (can(access, 'platform.admin')) return true;
  // A credential's check is seen by whoever may see the credential (its organisation's members).
  const credentialId = /^credential-check:([0-9a-f-]{36})$/.exec(workflowId)?.[1];
  if (credentialId) {
    const credential = await findCloudCredential(deps.db, credentialId);
    return Boolean(credential && can(access, 'credential.read', { orgId: credential.org_id }));
  }
  // A plugin publish is seen by whoever may read the organisation's catalogue.
  const pluginOrg = /^plugin-publish:([^/]+)\//.exec(workflowId)?.[1];
  if (pluginOrg) {
    const org = await findOrgByName(deps.db, pluginOrg);
    return Boolean(org && can(access, 'plugin.read', { orgId: org.id }));
  }
  const name = workflowNamespace(workflowId);
  if (!name) return false;
  const ns = await deps.namespaces.get(name);
  return Boolean(ns && can(access, 'namespace.read', { namespace: ns }));
}

/** 404 (as for a workflow that does not exist) unless the principal may see it; 401 when nobody is signed in. */
export async function requireWorkflowVisible(deps: Pick<AppDeps, 'namespaces' | 'db'>, ctx: Ctx, workflowId: string): Promise<void> {
  requireSignedIn(ctx);
  if (!(await mayViewWorkflow(deps, ctx, workflowId))) throw new NotFound(`no workflow ${workflowId}`);
}
