import type { ParameterizedContext } from 'koa';
import { StrataArtifact, StrataKind, StrataVersion } from '../../temporal/search-attributes';
import type { AppDeps, AppState } from '../deps';
import { awaitResult, startBusinessWorkflow } from './run-workflow';

/**
 * The shared tail of every publish endpoint: start the workflow under its business ID (discarding the staged
 * upload if it cannot start), then answer 202 with the status URL, or with `wait` the outcome (201 + result,
 * or the 4xx of the failure).
 */
export async function startPublish(
  ctx: ParameterizedContext<AppState>,
  deps: AppDeps,
  input: {
    workflowType: string;
    workflowId: string;
    arg: unknown;
    kind: string;
    artifact: string;
    version: string;
    wait: boolean;
    stagedKeys: string[];
  },
): Promise<void> {
  let handle;
  try {
    handle = await startBusinessWorkflow(deps.temporal, {
      workflowType: input.workflowType,
      workflowId: input.workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      arg: input.arg,
      searchAttributes: [
        { key: StrataKind, value: input.kind },
        { key: StrataArtifact, value: input.artifact.toLowerCase() },
        { key: StrataVersion, value: input.version },
      ],
    });
  } catch (err) {
    await Promise.all(input.stagedKeys.map((k) => deps.storage.delete(k)));
    throw err;
  }
  const statusUrl = `${deps.config.publicUrl}/api/v1/workflows/${encodeURIComponent(input.workflowId)}`;
  if (!input.wait) {
    ctx.status = 202;
    ctx.body = { workflowId: input.workflowId, statusUrl };
    return;
  }
  const result = await awaitResult<Record<string, unknown>>(handle);
  ctx.status = 201;
  ctx.body = { workflowId: input.workflowId, statusUrl, ...result };
}
