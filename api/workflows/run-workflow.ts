import type { WorkflowStatusName } from '../../core/api-shapes';
import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, NotFound, isErrorKind } from '../../core/errors';
import type { FailureDetails } from '../../activities/failures';
import { progressQuery, type ProgressSnapshot } from '../../workflows/progress';

/**
 * Turns a workflow's failure into the domain error the API answers with, or null when it is not a domain failure.
 * Activities fail with an ApplicationFailure whose type is the error kind (activities/failures.ts); the kind's
 * HTTP status is chosen by the error middleware, as for any domain error.
 */
export function failureToDomainError(err: unknown): DomainError | null {
  // The ApplicationFailure thrown by an activity arrives wrapped: WorkflowFailedError → ActivityFailure → it.
  let cause: unknown = err;
  while (cause && !(cause instanceof ApplicationFailure)) cause = (cause as { cause?: unknown }).cause;
  if (!(cause instanceof ApplicationFailure) || !isErrorKind(cause.type)) return null;
  const details = (cause.details?.[0] ?? {}) as Partial<FailureDetails>;
  return new DomainError(cause.type, details.code ?? cause.type, cause.message);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any workflow signature with result R
export async function awaitResult<R>(handle: WorkflowHandle<(...args: any[]) => Promise<R>>): Promise<R> {
  try {
    return await handle.result();
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
