import type { Config } from '../../../core/config';
import type { Client } from '@temporalio/client';
import { describeWorkflow } from '../../workflows/run-workflow';
import type { WorkflowView } from './shapes';

export type { WorkflowView };

/** Deep link to one run of a workflow in the Temporal Web UI (`STRATA_TEMPORAL_UI_URL`). */
export function temporalUiLink(config: Pick<Config, 'temporal'>, workflowId: string, runId?: string): string {
  const base = `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

// The progress query waits for a worker to answer: with no worker polling it would hang. Bounded, a read
// still answers (progress null) and the stream says the workflow waits for a worker.
const READ_DEADLINE_MS = 2500;

export async function readWorkflowView(deps: { temporal: Client; config: Pick<Config, 'temporal'> }, workflowId: string): Promise<WorkflowView> {
  const status = await deps.temporal.connection.withDeadline(Date.now() + READ_DEADLINE_MS, () => describeWorkflow(deps.temporal, workflowId));
  return { ...status, temporalUiUrl: temporalUiLink(deps.config, workflowId, status.runId) };
}
