import { ParentClosePolicy, executeChild, proxyActivities } from '@temporalio/workflow';
import type { RunActivities } from '../../activities/runs/run-activities';
import { StrataKind, StrataOrg, StrataWorkspace } from '../../temporal/search-attributes';
import { activityPresets } from '../../temporal/presets';
import { runWorkflowId } from './definitions';
import { runTerraform } from './run-terraform';

const short = proxyActivities<RunActivities>(activityPresets.short);

/**
 * Drift detection for one workspace, started by its schedule (`drift:<workspaceId>`): a refresh-only plan run,
 * recorded on the workspace (which resources drifted, how) and announced with `run.drift_detected`. The state
 * lock keeps it from overlapping another run of the workspace; the schedule skips a tick while one is running.
 */
export async function checkDrift(input: { workspaceId: string }): Promise<{ runId: string | null; status: string }> {
  const run = await short.createDriftRun(input);
  if (!run) return { runId: null, status: 'skipped' };
  const result = await executeChild(runTerraform, {
    workflowId: runWorkflowId(run.runId),
    args: [{ runId: run.runId }],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: [
      { key: StrataKind, value: 'run' },
      { key: StrataOrg, value: run.orgName },
      { key: StrataWorkspace, value: run.workspaceName },
    ],
  });
  return { runId: run.runId, status: result.status };
}
