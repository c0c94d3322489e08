import { proxyActivities } from '@temporalio/workflow';
import type { ConnectionCheck, createVcsActivities } from '../../activities/vcs/vcs-activities';
import { activityPresets } from '../../temporal/presets';

const vcs = proxyActivities<ReturnType<typeof createVcsActivities>>(activityPresets.short);

/**
 * Validates a VCS connection by asking the provider who its credentials belong to, and records the verdict on the
 * connection. Workflow ID: `vcs-connection-check:<connectionId>`. Runs when a connection is saved and on demand.
 */
export async function checkVcsConnection(input: { connectionId: string }): Promise<ConnectionCheck> {
  return vcs.checkVcsConnection(input);
}
