import { atLeast, effectiveRole, ROLES, type Access, type Role } from '../auth/policy';
import type { Tx } from '../db/knex';
import type { Environment } from '../db/repos/workspaces';

export const ENVIRONMENTS: readonly Environment[] = ['development', 'staging', 'production'];

/** Who may approve a run in an environment, how many must, and whether runs there may apply without anyone. */
export interface ApprovalPolicy {
  environment: Environment;
  autoApplyAllowed: boolean;
  requiredApprovals: number;
  /** Organisation role that may approve (or higher). */
  approverRole: Role;
  /** Members of these teams may approve too, whatever their role. */
  approverTeamIds: string[];
  /** A run waiting longer than this is discarded. */
  timeoutHours: number;
}

/** Until an organisation sets its own: production needs an admin's approval and never auto-applies. */
export const DEFAULT_POLICIES: Record<Environment, ApprovalPolicy> = {
  development: { environment: 'development', autoApplyAllowed: true, requiredApprovals: 1, approverRole: 'publisher', approverTeamIds: [], timeoutHours: 72 },
  staging: { environment: 'staging', autoApplyAllowed: true, requiredApprovals: 1, approverRole: 'admin', approverTeamIds: [], timeoutHours: 72 },
  production: { environment: 'production', autoApplyAllowed: false, requiredApprovals: 1, approverRole: 'admin', approverTeamIds: [], timeoutHours: 72 },
};

interface PolicyRow {
  environment: Environment;
  auto_apply_allowed: boolean;
  required_approvals: number;
  approver_role: Role;
  approver_team_ids: string[];
  approval_timeout_hours: number;
}

const fromRow = (r: PolicyRow): ApprovalPolicy => ({
  environment: r.environment,
  autoApplyAllowed: r.auto_apply_allowed,
  requiredApprovals: r.required_approvals,
  approverRole: r.approver_role,
  approverTeamIds: r.approver_team_ids,
  timeoutHours: r.approval_timeout_hours,
});

export async function approvalPolicyFor(db: Tx, orgId: string, environment: Environment): Promise<ApprovalPolicy> {
  const row = (await db('approval_policies').where({ org_id: orgId, environment }).first()) as PolicyRow | undefined;
  return row ? fromRow(row) : DEFAULT_POLICIES[environment];
}

export async function approvalPolicies(db: Tx, orgId: string): Promise<ApprovalPolicy[]> {
  return Promise.all(ENVIRONMENTS.map((e) => approvalPolicyFor(db, orgId, e)));
}

export async function saveApprovalPolicy(db: Tx, orgId: string, p: ApprovalPolicy): Promise<void> {
  await db('approval_policies')
    .insert({
      org_id: orgId,
      environment: p.environment,
      auto_apply_allowed: p.autoApplyAllowed,
      required_approvals: p.requiredApprovals,
      approver_role: p.approverRole,
      approver_team_ids: p.approverTeamIds,
      approval_timeout_hours: p.timeoutHours,
    })
    .onConflict(['org_id', 'environment'])
    .merge();
}

/** May this principal approve (or discard) runs under the policy? Its role, or membership of an approver team. */
export async function mayApprove(db: Tx, input: { access: Access; userId: string | null; orgId: string; policy: ApprovalPolicy }): Promise<boolean> {
  if (!input.access.scopes.includes('admin') && !input.access.scopes.includes('publish')) return false;
  if (atLeast(effectiveRole(input.access, { orgId: input.orgId }), input.policy.approverRole)) return true;
  if (!input.userId || !input.policy.approverTeamIds.length) return false;
  const member = await db('team_members').where({ user_id: input.userId }).whereIn('team_id', input.policy.approverTeamIds).first('team_id');
  return Boolean(member);
}

/**
 * The people who may approve under the policy: members whose organisation role (directly or through a team) is the
 * approver role or higher, and members of the approver teams. They hear about runs waiting for approval.
 */
export async function approversOf(db: Tx, orgId: string, policy: ApprovalPolicy): Promise<string[]> {
  const roles = ROLES.slice(ROLES.indexOf(policy.approverRole));
  const direct = await db('memberships').where({ org_id: orgId }).whereIn('role', roles).pluck('user_id');
  const viaTeams = await db('team_members as tm')
    .join('teams as t', 't.id', 'tm.team_id')
    .where('t.org_id', orgId)
    .andWhere((w) => {
      w.whereIn('t.role', roles);
      if (policy.approverTeamIds.length) w.orWhereIn('t.id', policy.approverTeamIds);
    })
    .pluck('tm.user_id');
  return [...new Set<string>([...direct, ...viaTeams])];
}
