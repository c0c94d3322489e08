import type { Context } from 'koa';
import type { Db } from '../../../core/db/knex';
import type { OrgRow } from '../../../core/db/repos/organizations';
import { findWorkspace, type WorkspaceRow } from '../../../core/db/repos/workspaces';
import { NotFound } from '../../../core/errors';
import type { Action } from '../../../core/auth/policy';
import type { AppState } from '../../deps';
import { authorize } from '../../authz';
import { visibleOrg } from '../orgs/lookup';

type Ctx = Context & { state: AppState };

/**
 * The workspace named in the path, after checking the principal may do `action` on it. Outsiders get 404 (as for an
 * unknown workspace), members without the role 403. A run's own token reads and writes only its workspace.
 */
export async function workspaceFor(db: Db, ctx: Ctx, orgName: string, wsName: string, action: Action): Promise<{ org: OrgRow; ws: WorkspaceRow }> {
  const org = await visibleOrg(db, ctx, orgName);
  const ws = await findWorkspace(db, org.id, wsName);
  if (!ws) throw new NotFound(`no workspace ${wsName} in ${org.name}`, 'workspace_not_found');
  const p = ctx.state.identity.principal;
  if (p.kind === 'run') {
    if (p.workspaceId !== ws.id || (action !== 'workspace.read' && action !== 'workspace.run')) throw new NotFound(`no workspace ${wsName} in ${org.name}`, 'workspace_not_found');
    return { org, ws };
  }
  authorize(ctx, action, { orgId: org.id });
  return { org, ws };
}
