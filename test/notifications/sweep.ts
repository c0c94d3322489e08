import { randomUUID } from 'node:crypto';
import type { Platform } from '../harness/platform';
import { strataAttributes } from '../../temporal/search-attributes';
import { sweepNotifications } from '../../workflows/notifications/sweep-notifications';

/** Runs one sweep now, as the `notification-sweep` schedule does every minute. */
export async function startSweepWorkflow(platform: Platform): Promise<{ started: number }> {
  return platform.temporal.workflow.execute(sweepNotifications, {
    workflowId: `notification-sweep-test-${randomUUID()}`,
    taskQueue: platform.config.temporal.taskQueue,
    typedSearchAttributes: strataAttributes({ kind: 'notification-sweep' }),
  });
}
