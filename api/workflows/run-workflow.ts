import type { WorkflowStatusName } from '../../core/api-shapes';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { Conflict, DomainError, NotFound } from '../../core/errors';
import type { FailureDetails } from '../../activities/failures';
import { progressQuery, type ProgressSnapshot } from '../../workflows/progress';
import { FailureTypes } from '../../workflows/types';

/**
 * Starts a workflow under its business ID. A workflow with that ID still running means the same thing is
 * already being done: 409, never a second run. A finished one may be retried only if it failed.
 */
export async function startBusinessWorkflow<A>(
  client: Client,
  input: {
    workflowType: string;
    workflowId: string;
    taskQueue: string;
    arg: A;
    searchAttributes: SearchAttributePair[];
  },
): Promise<WorkflowHandle> {
  try {
    return await client.workflow.start(input.workflowType, {
      workflowId: input.workflowId,
      taskQueue: input.taskQueue,
      args: [input.arg],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: input.searchAttributes as unknown as TypedSearchAttributes,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new Conflict(`${input.workflowId} is already running or already completed`, 'publish_in_progress');
    }
    throw err;
  }
}

/** Turns a workflow's failure into the domain error the API answers with (409, 422, 400), or rethrows. */
export function failureToDomainError(err: unknown): DomainError | null {
  // The ApplicationFailure thrown by an activity arrives wrapped: WorkflowFailedError → ActivityFailure → it.
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  if (!(cause instanceof ApplicationFailure)) return null;
  const details = (cause.details?.[0] ?? {}) as Partial<FailureDetails>;
  const message = cause.message;
  switch (cause.type) {
    case FailureTypes.VersionExists:
      return new Conflict(message, details.code ?? 'version_exists');
    case FailureTypes.InvalidArtifact:
    case FailureTypes.InvalidRequest:
      return new DomainError(details.status ?? 422, details.code ?? 'invalid_artifact', message);
    default:
      return null;
  }
}

export async function awaitResult<T>(handle: WorkflowHandle): Promise<T> {
  try {
    return (await handle.result()) as T;
  } catch (err) {
    throw failureToDomainError(err) ?? err;
  }
}

/**
 * A query needs a worker to answer it: with none running, Temporal would hold the request for a long time.
 * Progress is a nicety, so give up quickly and report none.
 */
async function queryProgress(handle: WorkflowHandle): Promise<ProgressSnapshot | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 2000)));
  try {
    return await Promise.race([handle.query(progressQuery).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WorkflowStatus {
  workflowId: string;
  runId: string;
  type: string;
  status: WorkflowStatusName;
  startedAt: string;
  closedAt: string | null;
  progress: ProgressSnapshot | null;
  result?: unknown;
  error?: { code: string; message: string };
}

/** Reads a workflow's state from Temporal: status, progress (query), and its result or error when closed. */
export async function describeWorkflow(client: Client, workflowId: string): Promise<WorkflowStatus> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new NotFound(`no workflow ${workflowId}`);
    throw err;
  }
  const status = (
    {
      RUNNING: 'running',
      COMPLETED: 'completed',
      FAILED: 'failed',
      CANCELLED: 'cancelled',
      TERMINATED: 'terminated',
      TIMED_OUT: 'timed_out',
      CONTINUED_AS_NEW: 'running',
    } as const
  )[description.status.name as string] ?? 'running';
  const out: WorkflowStatus = {
    workflowId,
    runId: description.runId,
    type: description.type,
    status,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
    progress: await queryProgress(handle),
  };
  if (status === 'completed') out.result = await handle.result();
  if (status === 'failed') {
    try {
      await handle.result();
    } catch (err) {
      const domain = failureToDomainError(err);
      const message = domain?.message ?? (err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : String(err));
      out.error = { code: domain?.code ?? 'workflow_failed', message };
    }
  }
  return out;
}
