import type { Context } from 'koa';
import type { Db } from '../../../core/db/knex';
import type { OrgRow } from '../../../core/db/repos/organizations';
import { listApprovals, type RunRow } from '../../../core/db/repos/runs';
import type { WorkspaceRow } from '../../../core/db/repos/workspaces';
import { approvalPolicyFor, mayApprove } from '../../../core/runs/approval-policy';
import type { AppState } from '../../deps';
import { presentRun } from '../workspaces/present';
import type { Run } from '../workspaces/shapes';

type Ctx = Context & { state: AppState };

/** May the request's principal approve or discard runs of this workspace? */
export async function callerMayApprove(db: Db, ctx: Ctx, ws: WorkspaceRow): Promise<boolean> {
  const { principal, access } = ctx.state.identity;
  if (principal.kind !== 'user') return false;
  const policy = await approvalPolicyFor(db, ws.org_id, ws.environment);
  return mayApprove(db, { access, userId: principal.user.id, orgId: ws.org_id, policy });
}

/** A run as the API shows it, with its approvals and whether the caller may decide on it. */
export async function runView(deps: { db: Db }, ctx: Ctx, run: RunRow, ws: WorkspaceRow, org: OrgRow): Promise<Run> {
  const [approvals, policy, canApprove] = await Promise.all([
    listApprovals(deps.db, run.id),
    approvalPolicyFor(deps.db, ws.org_id, ws.environment),
    run.status === 'awaiting_approval' ? callerMayApprove(deps.db, ctx, ws) : Promise.resolve(false),
  ]);
  return presentRun(run, ws, org, { approvals, policy, canApprove });
}
