import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { NOTIFICATION_SWEEP_SCHEDULE_ID } from '../workflows/notifications/ids';
import { sweepNotifications } from '../workflows/notifications/sweep-notifications';
import { VCS_RECONCILE_SCHEDULE_ID } from '../workflows/vcs/ids';
import { reconcileVcsLinks } from '../workflows/vcs/reconcile-vcs-links';
import { strataAttributes } from './search-attributes';

const ensured = new WeakMap<Client, Promise<void>>();

/**
 * Creates the reconcile schedule once per namespace (idempotent: an existing schedule is kept as it is). Called
 * when a module is linked; a worker may call it at start-up as well.
 */
export function ensureVcsReconcileSchedule(client: Client, input: { taskQueue: string; intervalMinutes: number }): Promise<void> {
  let done = ensured.get(client);
  if (!done) {
    done = client.schedule
      .create({
        scheduleId: VCS_RECONCILE_SCHEDULE_ID,
        spec: { intervals: [{ every: `${input.intervalMinutes}m` }] },
        action: {
          type: 'startWorkflow',
          workflowType: reconcileVcsLinks,
          workflowId: 'vcs-reconcile',
          taskQueue: input.taskQueue,
          args: [{}],
          typedSearchAttributes: strataAttributes({ kind: 'vcs-reconcile' }),
        },
        policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
      })
      .then(
        () => undefined,
        (err) => {
          if (err instanceof ScheduleAlreadyRunning) return;
          ensured.delete(client);
          throw err;
        },
      );
    ensured.set(client, done);
  }
  return done;
}

/**
 * Creates the notification sweep schedule (idempotent): every minute it starts the fan-out of events whose
 * workflow was never started. Called by the worker at start-up.
 */
export async function ensureNotificationSweepSchedule(client: Client, input: { taskQueue: string }): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: NOTIFICATION_SWEEP_SCHEDULE_ID,
      spec: { intervals: [{ every: '1m' }] },
      action: {
        type: 'startWorkflow',
        workflowType: sweepNotifications,
        workflowId: 'notification-sweep',
        taskQueue: input.taskQueue,
        args: [],
        typedSearchAttributes: strataAttributes({ kind: 'notification-sweep' }),
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
