import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { StrataArtifact, StrataKind, StrataVersion } from '../../../temporal/search-attributes';
import type { AppDeps } from '../../deps';

export const statusUrlOf = (deps: AppDeps, workflowId: string) => `${deps.config.publicUrl}/api/v1/workflows/${encodeURIComponent(workflowId)}`;

/**
 * Starts a VCS workflow under its business ID. Unlike publishes of uploads, a finished run may be followed by a
 * new one (a redelivered webhook or a second sync is answered by re-checking); a running one is joined instead.
 */
export async function startVcsWorkflow(
  deps: AppDeps,
  input: { workflowType: string; workflowId: string; arg: unknown; kind: string; artifact?: string; version?: string },
): Promise<{ handle: WorkflowHandle; alreadyRunning: boolean }> {
  const searchAttributes = [
    { key: StrataKind, value: input.kind },
    ...(input.artifact ? [{ key: StrataArtifact, value: input.artifact.toLowerCase() }] : []),
    ...(input.version ? [{ key: StrataVersion, value: input.version }] : []),
  ];
  try {
    const handle = await deps.temporal.workflow.start(input.workflowType, {
      workflowId: input.workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      args: [input.arg],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: searchAttributes as unknown as TypedSearchAttributes,
    });
    return { handle, alreadyRunning: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { handle: deps.temporal.workflow.getHandle(input.workflowId), alreadyRunning: true };
    throw err;
  }
}

/** The workflow's result if it finishes within `ms`, otherwise `undefined` (it keeps running). */
export async function resultWithin<T>(handle: WorkflowHandle, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return (await Promise.race([handle.result() as Promise<T>, timeout])) as T | undefined;
  } finally {
    clearTimeout(timer);
  }
}

