import type { ParameterizedContext } from 'koa';
import { DomainError } from '../../core/errors';
import type { PublishOutcome } from '../../core/observability/api-metrics';
import { strataAttributes } from '../../temporal/search-attributes';
import { startWorkflow } from '../../temporal/start-workflow';
import type { publishModule } from '../../workflows/modules/publish-module';
import type { publishPlugin } from '../../workflows/plugins/publish-plugin';
import type { publishProvider } from '../../workflows/providers/publish-provider';
import { audit } from '../authz';
import type { AppDeps, AppState } from '../deps';
import { awaitResult } from './run-workflow';

type PublishWorkflow = typeof publishModule | typeof publishProvider | typeof publishPlugin;

/**
 * The shared tail of every publish endpoint: start the workflow under its business ID (discarding the staged
 * upload if it cannot start), then answer 202 with the status URL, or with `wait` the outcome (201 + result,
 * or the 4xx of the failure). A finished publish may be retried only if it failed. The accepted request is
 * audited as `<kind>.publish_requested`.
 */
export async function startPublish<W extends PublishWorkflow>(
  ctx: ParameterizedContext<AppState>,
  deps: AppDeps,
  workflowFn: W,
  input: {
    workflowId: string;
    input: Parameters<W>[0];
    kind: string;
    artifact: string;
    version: string;
    wait: boolean;
    stagedKeys: string[];
    /** The organisation of the namespace published into, for the audit entry of the accepted request. */
    orgId: string;
  },
): Promise<void> {
  const kind = input.kind.replace(/-publish$/, '');
  let handle;
  try {
    ({ handle } = await startWorkflow(deps.temporal, workflowFn, {
      workflowId: input.workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      input: input.input,
      reusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      onAlreadyStarted: 'conflict',
      conflictCode: 'publish_in_progress',
      searchAttributes: strataAttributes({ kind: input.kind, artifact: input.artifact, version: input.version }),
    }));
  } catch (err) {
    deps.metrics.publish(kind, outcomeOf(err));
    await Promise.all(input.stagedKeys.map((k) => deps.storage.delete(k)));
    throw err;
  }
  // The publish itself is the workflow's: what the API records is the request it accepted.
  await audit(ctx, deps.db, {
    orgId: input.orgId,
    action: `${kind}.publish_requested`,
    target: `${input.artifact}@${input.version}`,
    result: 'success',
    details: { workflowId: input.workflowId },
  });
  const statusUrl = `${deps.config.publicUrl}/api/v1/workflows/${encodeURIComponent(input.workflowId)}`;
  if (!input.wait) {
    deps.metrics.publish(kind, 'accepted');
    ctx.status = 202;
    ctx.body = { workflowId: input.workflowId, statusUrl };
    return;
  }
  let result;
  try {
    result = await awaitResult<Awaited<ReturnType<PublishWorkflow>>>(handle);
  } catch (err) {
    deps.metrics.publish(kind, outcomeOf(err));
    throw err;
  }
  deps.metrics.publish(kind, 'published');
  ctx.status = 201;
  ctx.body = { workflowId: input.workflowId, statusUrl, ...result };
}

/** A conflict (already running, version exists), a rejection of the artifact or request, or a failure. */
function outcomeOf(err: unknown): PublishOutcome {
  if (!(err instanceof DomainError)) return 'failed';
  return err.kind === 'conflict' ? 'conflict' : 'rejected';
}
