import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { createVcsActivities } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';
import { Progress } from '../progress';
import { vcsWorkflowIds } from './ids';
import { syncVcsLink } from './sync-vcs-link';
import type { SyncVcsLinkResult } from './types';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);

/**
 * Runs once a module is linked to a repository (workflow ID `vcs-link-setup:<linkId>`): installs the webhook
 * where the provider's API allows it (otherwise the link stays `manual` and the user pastes URL and secret),
 * then backfills every release tag already in the repository.
 */
export async function setupVcsLink(input: { linkId: string }): Promise<{ webhook: { status: 'installed' | 'manual'; error: string | null }; backfill: SyncVcsLinkResult | null }> {
  const progress = new Progress([
    { id: 'webhook', title: 'Install the webhook' },
    { id: 'backfill', title: 'Publish existing release tags' },
  ]);
  const webhook = await progress.run('webhook', () => vcs.installVcsWebhook({ linkId: input.linkId }));
  const backfill = await progress.run('backfill', async () => {
    try {
      return await executeChild(syncVcsLink, { workflowId: vcsWorkflowIds.sync(input.linkId), args: [{ linkId: input.linkId, trigger: 'backfill' }] });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
      throw err;
    }
  });
  return { webhook, backfill };
}
