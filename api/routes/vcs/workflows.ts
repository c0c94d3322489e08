import type { WorkflowHandle } from '@temporalio/client';
import type { AppDeps } from '../../deps';

export const statusUrlOf = (deps: AppDeps, workflowId: string) => `${deps.config.publicUrl}/api/v1/workflows/${encodeURIComponent(workflowId)}`;

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

