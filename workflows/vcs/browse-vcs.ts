import { proxyActivities } from '@temporalio/workflow';
import type { createVcsActivities } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);

/**
 * The repository browser's provider call, run by the worker (which holds the decrypted token only while calling):
 * a connection's repositories, or one repository's tags with their commits. Workflow ID `vcs-browse:<connectionId>/<id>`.
 */
export async function browseVcs(input: { connectionId: string; repository?: string }) {
  return vcs.browseVcsConnection(input);
}
