import type { Tx } from '../knex';

/** Status names are part of the contract for clients. */
export const RUN_STATUSES = [
  'queued',
  'planning',
  'awaiting_approval',
  'applying',
  'applied',
  'planned_no_changes',
  'planned',
  'discarded',
  'canceled',
  'errored',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_STATUSES: readonly RunStatus[] = ['applied', 'planned_no_changes', 'planned', 'discarded', 'canceled', 'errored'];

/** `plan`: speculative, never applied. `apply`: plan, approval, apply. `destroy`: the same with a destroy plan. */
export type RunOperation = 'plan' | 'apply' | 'destroy';

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

export interface ResourceChange {
  address: string;
  actions: string[];
}

export interface RunRow {
  id: string;
  workspace_id: string;
  org_id: string;
  operation: RunOperation;
  refresh_only: boolean;
  status: RunStatus;
  configuration_id: string | null;
  trigger: 'api' | 'ui' | 'cli' | 'drift';
  plan: PlanSummary | null;
  resource_changes: ResourceChange[] | null;
  outputs: Record<string, { value: unknown; sensitive: boolean; type?: unknown }> | null;
  error: string | null;
  plan_blob_key: string | null;
  plan_json_key: string | null;
  has_changes: boolean | null;
  apply_started_at: Date | null;
  created_by: string | null;
  created_by_label: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export async function insertRun(
  db: Tx,
  r: Pick<RunRow, 'workspace_id' | 'org_id' | 'operation' | 'refresh_only' | 'configuration_id' | 'trigger' | 'created_by' | 'created_by_label'>,
): Promise<RunRow> {
  const [row] = await db('runs').insert({ ...r, status: 'queued' }).returning('*');
  return row as RunRow;
}

export async function findRun(db: Tx, id: string): Promise<RunRow | undefined> {
  return db<RunRow>('runs').where({ id }).first();
}

/** What a run token's principal needs: the run's workspace and organisation. */
export async function findRunScope(db: Tx, id: string): Promise<Pick<RunRow, 'workspace_id' | 'org_id'> | undefined> {
  return db<RunRow>('runs').where({ id }).first('workspace_id', 'org_id');
}

export async function listRuns(db: Tx, workspaceId: string, limit = 50): Promise<RunRow[]> {
  return db<RunRow>('runs').where({ workspace_id: workspaceId }).orderBy('created_at', 'desc').limit(limit);
}

/** The organisation's runs that are not finished yet, oldest first (the run queue). */
export async function listActiveRuns(db: Tx, orgId: string): Promise<RunRow[]> {
  return db<RunRow>('runs').where({ org_id: orgId }).whereNotIn('status', FINAL_STATUSES as RunStatus[]).orderBy('created_at');
}

export async function updateRun(db: Tx, id: string, patch: Partial<Omit<RunRow, 'id' | 'workspace_id' | 'org_id' | 'created_at'>>): Promise<void> {
  const row: Record<string, unknown> = { ...patch, updated_at: db.fn.now() };
  for (const k of ['plan', 'resource_changes', 'outputs'] as const) {
    if (patch[k] !== undefined) row[k] = patch[k] === null ? null : JSON.stringify(patch[k]);
  }
  if (patch.status && FINAL_STATUSES.includes(patch.status)) row.finished_at = db.fn.now();
  await db('runs').where({ id }).update(row);
}

/**
 * Marks the apply as started, once: true for the first caller only. The apply activity calls it before it runs
 * the engine, so a retried activity, a replayed workflow or a second approval can never apply twice.
 */
export async function claimApply(db: Tx, id: string): Promise<boolean> {
  const n = await db('runs').where({ id }).whereNull('apply_started_at').update({ apply_started_at: db.fn.now(), updated_at: db.fn.now() });
  return n === 1;
}

export interface ApprovalRow {
  run_id: string;
  user_id: string;
  user_label: string;
  decision: 'approve' | 'discard';
  comment: string | null;
  at: Date;
}

export async function recordApproval(db: Tx, a: Omit<ApprovalRow, 'at'>): Promise<void> {
  await db('run_approvals').insert(a).onConflict(['run_id', 'user_id']).ignore();
}

export async function listApprovals(db: Tx, runId: string): Promise<ApprovalRow[]> {
  return db<ApprovalRow>('run_approvals').where({ run_id: runId }).orderBy('at');
}
