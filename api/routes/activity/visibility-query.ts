import type { WorkflowStatusName } from './shapes';

const executionStatus: Record<WorkflowStatusName, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
};

/** A string literal for Temporal's SQL-like visibility query language. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The visibility query for Strata's workflows on one task queue: the deployment's own workflows, not those of
 * another Strata (or anything else) sharing the Temporal namespace. `q` is a prefix of the subject
 * (`acme/network`), of the workflow id, or an exact version.
 */
export function visibilityQuery(input: {
  taskQueue: string;
  kind?: string;
  status?: WorkflowStatusName;
  q?: string;
}): string {
  const clauses = [`TaskQueue = ${quote(input.taskQueue)}`, 'StrataKind IS NOT NULL'];
  if (input.kind) clauses.push(`StrataKind = ${quote(input.kind)}`);
  if (input.status) clauses.push(`ExecutionStatus = ${quote(executionStatus[input.status])}`);
  if (input.q) {
    const q = input.q;
    clauses.push(
      `(StrataArtifact STARTS_WITH ${quote(q.toLowerCase())} OR WorkflowId STARTS_WITH ${quote(q)} OR StrataVersion = ${quote(q)})`,
    );
  }
  return clauses.join(' AND ');
}
