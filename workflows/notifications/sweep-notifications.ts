import { proxyActivities } from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notification-activities';
import { activityPresets } from '../../temporal/presets';

const n = proxyActivities<ReturnType<typeof createNotificationActivities>>(activityPresets.short);

/**
 * Scheduled every minute (schedule `notification-sweep`): starts the fan-out of every event that was committed but
 * whose `notify:<eventId>` workflow was never started (the process died between the commit and the start).
 */
export async function sweepNotifications(): Promise<{ started: number }> {
  return n.dispatchPendingNotifications({ olderThanSeconds: 60, limit: 200 });
}
