import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair, Workflow, WorkflowIdReusePolicy } from '@temporalio/common';
import { Conflict } from '../core/errors';

export interface StartWorkflowOptions<W extends Workflow> {
  /** The business ID: it is the idempotency key (one run per publish, tag, link, connection). */
  workflowId: string;
  taskQueue: string;
  /** Strata workflows take one input object. */
  input: Parameters<W>[0];
  /**
   * What a finished run with the same ID allows: `ALLOW_DUPLICATE_FAILED_ONLY` for publishes (a published version
   * is never redone), `ALLOW_DUPLICATE` for re-checks (a redelivered webhook, a second sync).
   */
  reusePolicy: WorkflowIdReusePolicy;
  /**
   * A run with that ID is running (or, under the reuse policy, may not be redone): `conflict` throws the domain
   * error `Conflict` with `conflictCode`; `join` returns the existing run's handle with `alreadyRunning: true`.
   */
  onAlreadyStarted: 'conflict' | 'join';
  conflictCode?: string;
  searchAttributes: SearchAttributePair[];
}

/**
 * The one way Strata starts a business-keyed workflow: by function reference, so the input is type-checked
 * against the workflow's signature, with typed search attributes and an explicit reuse policy.
 */
export async function startWorkflow<W extends Workflow>(
  client: Client,
  workflowFn: W,
  options: StartWorkflowOptions<W>,
): Promise<{ handle: WorkflowHandle<W>; alreadyRunning: boolean }> {
  try {
    // Started as a plain Workflow: the SDK types `args` as a conditional on W's parameters, which TypeScript cannot
    // resolve for a generic W. `input` is already checked against Parameters<W>[0] at every call site.
    const handle = (await client.workflow.start<Workflow>(workflowFn, {
      workflowId: options.workflowId,
      taskQueue: options.taskQueue,
      args: [options.input],
      workflowIdReusePolicy: options.reusePolicy,
      typedSearchAttributes: options.searchAttributes,
    })) as WorkflowHandle<W>;
    return { handle, alreadyRunning: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    if (options.onAlreadyStarted === 'join') return { handle: client.workflow.getHandle<W>(options.workflowId), alreadyRunning: true };
    throw new Conflict(`${options.workflowId} is already running or already completed`, options.conflictCode ?? 'workflow_already_started');
  }
}
