import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { VCS_RECONCILE_SCHEDULE_ID } from '../workflows/vcs/ids';
import { StrataKind } from './search-attributes';

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
          workflowType: 'reconcileVcsLinks',
          workflowId: 'vcs-reconcile',
          taskQueue: input.taskQueue,
          args: [{}],
          typedSearchAttributes: [{ key: StrataKind, value: 'vcs-reconcile' }] as unknown as TypedSearchAttributes,
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
