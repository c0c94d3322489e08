import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { continueAsNew, executeChild, log, proxyActivities } from '@temporalio/workflow';
import type { createVcsActivities } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';
import { vcsWorkflowIds } from './ids';
import { syncVcsLink } from './sync-vcs-link';
import type { ReconcileVcsLinksInput } from './types';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);

const PAGE = 50;

/**
 * The scheduled reconcile (schedule `vcs-reconcile`): syncs every link in turn, which publishes tags whose webhook
 * was missed (providers drop events, e.g. when many tags are pushed at once) and records tags that moved.
 * Links are handled a page at a time, continuing as new between pages to keep the history short.
 */
export async function reconcileVcsLinks(input: ReconcileVcsLinksInput = {}): Promise<{ links: number; failed: number }> {
  const { linkIds } = await vcs.listVcsLinks({ after: input.after, limit: PAGE });
  let failed = 0;
  for (const linkId of linkIds) {
    try {
      await executeChild(syncVcsLink, { workflowId: vcsWorkflowIds.sync(linkId), args: [{ linkId, trigger: 'reconcile' }] });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) continue;
      failed++;
      log.warn('reconcile could not sync a link', { linkId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (linkIds.length === PAGE) await continueAsNew<typeof reconcileVcsLinks>({ after: linkIds[linkIds.length - 1] });
  return { links: linkIds.length, failed };
}
