import { ParentClosePolicy, continueAsNew, condition, executeChild, setHandler } from '@temporalio/workflow';
import { StrataKind, StrataOrg, StrataWorkspace } from '../../temporal/search-attributes';
import { enqueueRunSignal, runWorkflowId, type QueuedRun } from './definitions';
import { runPulumi } from './run-pulumi';
import { runTerraform } from './run-terraform';

const IDLE = '10 minutes';
const RUNS_PER_HISTORY = 100;

/**
 * A workspace's run queue, `workspace-runs:<workspaceId>`: one run at a time, in the order they were queued.
 * Started (or signalled) with signal-with-start for every new run; ends after a quiet spell and starts again
 * with the next run. Runs are children under their own business ID, `run:<runId>`, abandoned rather than
 * terminated should the queue itself be terminated.
 */
export async function workspaceRuns(input: { workspaceId: string; pending?: QueuedRun[] }): Promise<void> {
  const queue: QueuedRun[] = [...(input.pending ?? [])];
  setHandler(enqueueRunSignal, (r) => {
    if (!queue.some((q) => q.runId === r.runId)) queue.push(r);
  });
  for (let done = 0; done < RUNS_PER_HISTORY; done++) {
    if (!(await condition(() => queue.length > 0, IDLE))) return;
    const next = queue[0]!;
    try {
      const options = {
        workflowId: runWorkflowId(next.runId, next.engine),
        args: [{ runId: next.runId }] as [{ runId: string }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: StrataKind, value: next.engine === 'pulumi' ? 'pulumi-run' : 'run' },
          { key: StrataOrg, value: next.orgName },
          { key: StrataWorkspace, value: next.workspaceName },
        ],
      };
      if (next.engine === 'pulumi') await executeChild(runPulumi, options);
      else await executeChild(runTerraform, options);
    } catch {
      // The run records its own outcome (errored, canceled); the queue moves on to the next one.
    }
    queue.shift();
  }
  await continueAsNew<typeof workspaceRuns>({ workspaceId: input.workspaceId, pending: queue });
}
