import type { Client } from '@temporalio/client';
import type { Db, Tx } from '../../../core/db/knex';
import type { OrgRow } from '../../../core/db/repos/organizations';
import { findRun, insertRun, type RunRow } from '../../../core/db/repos/runs';
import type { WorkspaceRow } from '../../../core/db/repos/workspaces';
import { Unavailable } from '../../../core/errors';
import { StrataKind, StrataOrg, StrataWorkspace } from '../../../temporal/search-attributes';
import { enqueueRunSignal, workspaceQueueWorkflowId } from '../../../workflows/runs/definitions';
import { workspaceRuns } from '../../../workflows/runs/workspace-runs';

/**
 * Records a run and hands it to its workspace's queue (`workspace-runs:<id>`, signal-with-start). Should the queue
 * be unreachable, the run is removed again and the caller hears 503: nothing stays queued that nobody will run.
 */
export async function queueRun(
  deps: { db: Db; temporal: Client; taskQueue: string },
  input: { org: OrgRow; ws: WorkspaceRow; run: Parameters<typeof insertRun>[1]; beforeQueue?: (tx: Tx, run: RunRow) => Promise<void> },
): Promise<RunRow> {
  const run = await deps.db.transaction(async (tx) => {
    const inserted = await insertRun(tx, input.run);
    await input.beforeQueue?.(tx, inserted);
    return inserted;
  });
  try {
    await deps.temporal.workflow.signalWithStart(workspaceRuns, {
      workflowId: workspaceQueueWorkflowId(input.ws.id),
      taskQueue: deps.taskQueue,
      args: [{ workspaceId: input.ws.id }],
      signal: enqueueRunSignal,
      signalArgs: [{ runId: run.id, orgName: input.org.name, workspaceName: input.ws.name, ...(input.ws.engine === 'pulumi' ? { engine: 'pulumi' as const } : {}) }],
      typedSearchAttributes: [
        { key: StrataKind, value: 'workspace-runs' },
        { key: StrataOrg, value: input.org.name },
        { key: StrataWorkspace, value: input.ws.name },
      ],
    });
  } catch (err) {
    await deps.db('runs').where({ id: run.id }).delete();
    throw new Unavailable(`the run could not be queued: ${(err as Error).message}`, 'run_queue_unavailable');
  }
  return (await findRun(deps.db, run.id))!;
}
