import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { proxyActivities, startChild } from '@temporalio/workflow';
import type { createVcsActivities, ReleaseTag } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';
import { Progress } from '../progress';
import { vcsWorkflowIds } from './ids';
import { publishVcsTag } from './publish-vcs-tag';
import { strataAttributes } from '../../temporal/search-attributes';
import type { SyncVcsLinkInput, SyncVcsLinkResult } from './types';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);

/** Tag publishes run this many at a time, to stay polite with the provider's rate limits. */
const CONCURRENCY = 4;

/**
 * Manual sync, backfill on link and the reconcile's per-link pass: lists the repository's release tags and runs
 * the tag publish workflow for every tag that is not published yet or whose commit differs from the one on
 * record (a moved tag, which that workflow records as a violation). Workflow ID: `vcs-sync:<linkId>`.
 * Tags already being published by a webhook are left to that run.
 */
export async function syncVcsLink(input: SyncVcsLinkInput): Promise<SyncVcsLinkResult> {
  const progress = new Progress([
    { id: 'list', title: 'List the repository tags' },
    { id: 'publish', title: 'Publish new tags, check moved ones' },
  ]);
  const { module, tags } = await progress.run('list', () => vcs.listVcsReleaseTags({ linkId: input.linkId }));
  const artifact = `${module.namespace}/${module.name}/${module.system}`;
  const todo = tags.filter((t) => t.publishedSha === undefined || t.publishedSha !== t.commitSha);
  const result: SyncVcsLinkResult = { releaseTags: tags.length, started: 0, alreadyRunning: 0, failed: 0, outcomes: {} };
  await progress.run('publish', async () => {
    const queue = [...todo];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await publishOne(input, artifact, next, result);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  });
  await vcs.markVcsLinkSynced({ linkId: input.linkId });
  return result;
}

async function publishOne(input: SyncVcsLinkInput, artifact: string, tag: ReleaseTag, result: SyncVcsLinkResult): Promise<void> {
  let handle;
  try {
    handle = await startChild(publishVcsTag, {
      workflowId: vcsWorkflowIds.tag(input.linkId, tag.tag),
      args: [{ linkId: input.linkId, tag: tag.tag, trigger: input.trigger }],
      typedSearchAttributes: strataAttributes({ kind: 'vcs-tag', artifact, version: tag.version }),
      // A tag publish outlives an interrupted sync: the version lands either way.
      parentClosePolicy: 'ABANDON',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      result.alreadyRunning++;
      return;
    }
    throw err;
  }
  result.started++;
  try {
    const outcome = (await handle.result()).outcome;
    result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
  } catch {
    // One bad tag (an invalid module at that commit) must not stop the others; its own workflow shows why.
    result.failed++;
  }
}
