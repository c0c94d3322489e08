import type { OrgRow } from '../../../core/db/repos/organizations';
import type { ApprovalRow, RunRow } from '../../../core/db/repos/runs';
import type { VariableRow, WorkspaceRow } from '../../../core/db/repos/workspaces';
import type { ApprovalPolicy } from '../../../core/runs/approval-policy';
import { runWorkflowId } from '../../../workflows/runs/definitions';
import type { LogLine, Run, Workspace, WorkspaceDetail } from './shapes';

export function presentWorkspace(ws: WorkspaceRow, org: OrgRow, extra: { locked: boolean; latestRun: RunRow | null }): Workspace {
  return {
    id: ws.id,
    name: ws.name,
    organization: org.name,
    engine: ws.engine,
    engineVersion: ws.engine_version,
    source: ws.source,
    environment: ws.environment,
    autoApply: ws.auto_apply,
    tags: ws.tags,
    driftIntervalMinutes: ws.drift_interval_minutes,
    drift: { status: ws.drift_status, checkedAt: ws.drift_checked_at?.toISOString() ?? null, resources: ws.drift?.resources ?? [] },
    locked: extra.locked,
    latestRun: extra.latestRun
      ? { id: extra.latestRun.id, status: extra.latestRun.status, operation: extra.latestRun.operation, createdAt: extra.latestRun.created_at.toISOString() }
      : null,
    createdAt: ws.created_at.toISOString(),
  };
}

export function presentWorkspaceDetail(
  ws: WorkspaceRow,
  org: OrgRow,
  extra: { locked: boolean; latestRun: RunRow | null; variables: VariableRow[]; credentials: WorkspaceDetail['credentials'] },
): WorkspaceDetail {
  return {
    ...presentWorkspace(ws, org, extra),
    credentials: extra.credentials,
    variables: extra.variables.map((v) => ({ key: v.key, category: v.category, value: v.sensitive ? null : v.value, sensitive: v.sensitive, hcl: v.hcl })),
  };
}

export function presentRun(run: RunRow, ws: WorkspaceRow, org: OrgRow, extra: { approvals: ApprovalRow[]; policy: ApprovalPolicy; canApprove: boolean }): Run {
  return {
    id: run.id,
    workspace: ws.name,
    organization: org.name,
    operation: run.operation,
    refreshOnly: run.refresh_only,
    status: run.status,
    trigger: run.trigger,
    configurationId: run.configuration_id,
    plan: run.plan,
    resourceChanges: run.resource_changes ?? [],
    ...(run.outputs ? { outputs: Object.fromEntries(Object.entries(run.outputs).map(([k, o]) => [k, { value: o.sensitive ? null : o.value, sensitive: o.sensitive }])) } : {}),
    ...(run.error ? { error: run.error } : {}),
    approvals: extra.approvals.map((a) => ({ user: a.user_label, decision: a.decision, comment: a.comment, at: a.at.toISOString() })),
    requiredApprovals: extra.policy.requiredApprovals,
    canApprove: extra.canApprove && run.status === 'awaiting_approval',
    createdBy: run.created_by_label,
    createdAt: run.created_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
    workflowId: runWorkflowId(run.id, ws.engine),
  };
}

export function presentLogLine(l: { id: string | number; phase: string; seq: number; at: Date; severity: string; text: string }): LogLine {
  return { id: Number(l.id), phase: l.phase, seq: l.seq, at: l.at.toISOString(), severity: l.severity as LogLine['severity'], text: l.text };
}
