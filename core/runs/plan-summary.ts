import type { PlanSummary, ResourceChange } from '../db/repos/runs';

interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
  resource_drift?: { address: string; change: { actions: string[] } }[];
  output_changes?: Record<string, { actions: string[] }>;
}

/**
 * Counts a `show -json` plan the way the engines' own summary line does: a replacement counts as one add and one
 * destroy; no-op and read changes do not count. Also lists the changed resources and the drift a refresh found.
 */
export function summarisePlan(json: string): { summary: PlanSummary; changes: ResourceChange[]; drift: ResourceChange[]; outputsChange: boolean } {
  const plan = JSON.parse(json) as PlanJson;
  const summary: PlanSummary = { add: 0, change: 0, destroy: 0 };
  const changes: ResourceChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const a = rc.change.actions;
    if (a.includes('create')) summary.add++;
    if (a.includes('delete')) summary.destroy++;
    if (a.length === 1 && a[0] === 'update') summary.change++;
    if (a.some((x) => x === 'create' || x === 'delete' || x === 'update')) changes.push({ address: rc.address, actions: a });
  }
  const drift = (plan.resource_drift ?? []).map((d) => ({ address: d.address, actions: d.change.actions }));
  const outputsChange = Object.values(plan.output_changes ?? {}).some((o) => !o.actions.every((x) => x === 'no-op'));
  return { summary, changes, drift, outputsChange };
}

/** Outputs from `output -json`, with sensitive values withheld. */
export function maskOutputs(json: string): Record<string, { value: unknown; sensitive: boolean; type?: unknown }> {
  const outputs = JSON.parse(json || '{}') as Record<string, { value: unknown; sensitive: boolean; type?: unknown }>;
  const result: Record<string, { value: unknown; sensitive: boolean; type?: unknown }> = {};
  for (const [k, o] of Object.entries(outputs)) result[k] = { value: o.sensitive ? null : o.value, sensitive: o.sensitive, type: o.type };
  return result;
}
