import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, CancellationScope, ChildWorkflowFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createCatalogActivities } from '../../activities/catalog/catalog-activities';
import type { createVcsActivities, TagContext } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';
import { workflowIds } from '../ids';
import { publishModule } from '../modules/publish-module';
import { Progress } from '../progress';
import { strataAttributes } from '../../temporal/search-attributes';
import type { PublishVcsTagInput, PublishVcsTagResult } from './types';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);
const archives = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.artifact);
const catalog = proxyActivities<ReturnType<typeof createCatalogActivities>>(activityPresets.short);

/**
 * Publishes the module version a tag stands for, pinned to the commit the tag points to.
 * Workflow ID: `vcs-tag:<linkId>/<tag>`, so concurrent deliveries for one tag run once; later runs (redeliveries,
 * syncs, reconciles) end as `unchanged` because the version already records that commit.
 *
 * Steps: the tag must match the link's pattern → the provider's API says which commit it points to now → a
 * version already published from the same commit is done; from another commit (the tag moved) is an immutability
 * violation, recorded and notified, and nothing is published → the archive AT THAT COMMIT is staged → the same
 * child module publish workflow uploads use, with the commit and repository recorded on the version.
 * Fails with the child's `invalid_artifact` failure when the commit's module is not valid.
 */
export async function publishVcsTag(input: PublishVcsTagInput): Promise<PublishVcsTagResult> {
  const workflowId = workflowInfo().workflowId;
  try {
    const result = await publish(input, workflowId);
    if (input.deliveryRowId) await vcs.recordVcsDeliveryOutcome({ deliveryRowId: input.deliveryRowId, result: result.outcome, detail: result.detail, workflowId });
    return result;
  } catch (err) {
    if (input.deliveryRowId) {
      const detail = rootMessage(err);
      await CancellationScope.nonCancellable(() => vcs.recordVcsDeliveryOutcome({ deliveryRowId: input.deliveryRowId!, result: 'failed', detail, workflowId }));
    }
    throw err;
  }
}

async function publish(input: PublishVcsTagInput, workflowId: string): Promise<PublishVcsTagResult> {
  const progress = new Progress([
    { id: 'match', title: 'Match the tag to a version' },
    { id: 'resolve', title: 'Resolve the tag to a commit' },
    { id: 'compare', title: 'Compare with the published version' },
    { id: 'fetch', title: 'Fetch the archive at the commit' },
    { id: 'publish', title: 'Publish the module version' },
  ]);
  const { tag } = input;
  const ctx = await progress.run('match', () => vcs.describeVcsTag({ linkId: input.linkId, tag }));
  const version = ctx.version;
  if (!version) return { outcome: 'not-a-release', tag, version: null, commitSha: null, detail: `tag ${tag} does not match the link's tag pattern` };

  const { commitSha } = await progress.run('resolve', () => vcs.resolveVcsTag({ linkId: input.linkId, tag }));
  if (!commitSha) return { outcome: 'tag-missing', tag, version, commitSha: null, detail: `tag ${tag} no longer exists; published versions are kept` };

  const settled = await progress.run('compare', () => settleExisting(input, ctx, version, commitSha, workflowId));
  if (settled) return settled;

  const staged = await progress.run('fetch', () => archives.stageVcsArchive({ linkId: input.linkId, commitSha }));
  return progress.run('publish', async () => {
    const artifact = `${ctx.module.namespace}/${ctx.module.name}/${ctx.module.system}`;
    try {
      await executeChild(publishModule, {
        workflowId: workflowIds.modulePublish(ctx.module, version),
        args: [
          {
            module: ctx.module,
            version,
            stagingKey: staged.stagingKey,
            format: staged.format,
            source: { kind: 'vcs', repository: ctx.repositoryUrl, commitSha },
            publishedBy: null,
          },
        ],
        typedSearchAttributes: strataAttributes({ kind: 'module-publish', artifact, version }),
      });
      return { outcome: 'published' as const, tag, version, commitSha, detail: `published ${artifact} ${version} from commit ${commitSha}` };
    } catch (err) {
      await CancellationScope.nonCancellable(() => catalog.discardStaging({ keys: [staged.stagingKey] }));
      // Someone else (an upload, an earlier run) published the version meanwhile: judge it like any existing one.
      if (err instanceof WorkflowExecutionAlreadyStartedError || (err instanceof ChildWorkflowFailure && isVersionExists(err))) {
        const again = await settleExisting(input, ctx, version, commitSha, workflowId);
        if (again) return again;
      }
      throw err;
    }
  });
}

/**
 * What went wrong, for the delivery log: the message of the innermost application failure (a child workflow's
 * failure wraps the activity failure, which wraps the activity's own error), else the error's own message.
 */
function rootMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let cause: unknown = err; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof ApplicationFailure) message = cause.message;
  }
  return message;
}

/** The child failed because the version is published: an activity's `conflict` failure (activities/failures.ts). */
function isVersionExists(err: ChildWorkflowFailure): boolean {
  for (let cause: unknown = err.cause; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof ApplicationFailure && cause.type === 'conflict') return true;
  }
  return false;
}

/** Null when the version is not published yet; otherwise the outcome for the version that is. */
async function settleExisting(
  input: PublishVcsTagInput,
  ctx: TagContext,
  version: string,
  commitSha: string,
  workflowId: string,
): Promise<PublishVcsTagResult | null> {
  const existing = await vcs.findPublishedVersion({ module: ctx.module, version });
  if (!existing) return null;
  if (existing.commitSha === commitSha) {
    return { outcome: 'unchanged', tag: input.tag, version, commitSha, detail: `version ${version} is already published from commit ${commitSha}` };
  }
  const { newlyRecorded } = await vcs.recordTagMoved({
    linkId: input.linkId,
    module: ctx.module,
    tag: input.tag,
    version,
    versionId: existing.versionId,
    recordedSha: existing.commitSha,
    observedSha: commitSha,
    detectedBy: input.trigger,
    workflowId,
  });
  const was = existing.commitSha ? `commit ${existing.commitSha}` : 'an upload';
  return {
    outcome: 'violation',
    tag: input.tag,
    version,
    commitSha,
    detail: `tag ${input.tag} now points to ${commitSha} but version ${version} was published from ${was}; nothing was republished${newlyRecorded ? '' : ' (already on record)'}`,
  };
}
