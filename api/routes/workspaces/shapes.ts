import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

export const planSummary = z.object({ add: z.number().int(), change: z.number().int(), destroy: z.number().int() });

export const workspaceVariable = z.object({
  key: z.string(),
  category: z.enum(['terraform', 'env']),
  /** Null for a sensitive variable: its value is never shown again. */
  value: z.string().nullable(),
  sensitive: z.boolean(),
  hcl: z.boolean(),
});

export const workspace = z.object({
  id: z.string(),
  name: z.string(),
  organization: z.string(),
  engine: z.enum(['tofu', 'terraform', 'pulumi']),
  engineVersion: z.string().nullable(),
  source: z.record(z.string(), z.unknown()),
  environment: z.enum(['development', 'staging', 'production']),
  autoApply: z.boolean(),
  tags: z.record(z.string(), z.string()),
  driftIntervalMinutes: z.number().int().nullable(),
  drift: z.object({
    status: z.enum(['unknown', 'in_sync', 'drifted']),
    checkedAt: isoDateTime.nullable(),
    resources: z.array(z.object({ address: z.string(), actions: z.array(z.string()) })),
  }),
  locked: z.boolean(),
  latestRun: z.object({ id: z.string(), status: z.string(), operation: z.string(), createdAt: isoDateTime }).nullable(),
  createdAt: isoDateTime,
});
export const workspaceList = itemsOf(workspace);
export type Workspace = z.infer<typeof workspace>;

export const boundCredential = z.object({ id: z.string(), name: z.string(), kind: z.string(), status: z.string() });
export const boundCredentialList = itemsOf(boundCredential);
export const workspaceDetail = workspace.extend({ variables: z.array(workspaceVariable), credentials: z.array(boundCredential) });
export type WorkspaceDetail = z.infer<typeof workspaceDetail>;

export const created = z.object({ id: z.string(), name: z.string() });
export const configurationCreated = z.object({ id: z.string(), sha256: z.string(), size: z.number().int() });

export const run = z.object({
  id: z.string(),
  workspace: z.string(),
  organization: z.string(),
  operation: z.enum(['plan', 'apply', 'destroy']),
  refreshOnly: z.boolean(),
  status: z.string(),
  trigger: z.string(),
  configurationId: z.string().nullable(),
  plan: planSummary.nullable(),
  resourceChanges: z.array(z.object({ address: z.string(), actions: z.array(z.string()) })),
  outputs: z.record(z.string(), z.object({ value: z.unknown(), sensitive: z.boolean() })).optional(),
  error: z.string().optional(),
  approvals: z.array(z.object({ user: z.string(), decision: z.enum(['approve', 'discard']), comment: z.string().nullable(), at: isoDateTime })),
  requiredApprovals: z.number().int(),
  /** Whether the caller may approve or discard it (the dashboard shows the buttons only then). */
  canApprove: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
  workflowId: z.string(),
});
export const runList = itemsOf(run);
export type Run = z.infer<typeof run>;

export const runAccepted = z.object({ id: z.string(), workflowId: z.string(), statusUrl: z.url() });

export const logLine = z.object({ id: z.number().int(), phase: z.string(), seq: z.number().int(), at: isoDateTime, severity: z.enum(['info', 'warn', 'error']), text: z.string() });
export const logLineList = itemsOf(logLine);
export type LogLine = z.infer<typeof logLine>;

export const approvalPolicy = z.object({
  environment: z.enum(['development', 'staging', 'production']),
  autoApplyAllowed: z.boolean(),
  requiredApprovals: z.number().int(),
  approverRole: z.enum(['reader', 'publisher', 'admin', 'owner']),
  approverTeamIds: z.array(z.string()),
  timeoutHours: z.number().int(),
});
export const runPolicy = z.object({ requiredTags: z.array(z.string()), environments: z.array(approvalPolicy) });
