import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { checkAllCredentials } from '../workflows/credentials/check-all-credentials';
import { CREDENTIAL_CHECK_SCHEDULE_ID } from '../workflows/credentials/ids';
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

const credentialSchedules = new WeakMap<Client, Promise<void>>();

/**
 * Creates the credential re-check schedule once per namespace (idempotent: an existing schedule is kept as it is):
 * every `intervalHours` it starts {@link checkAllCredentials}. Called by the worker at start-up and when a
 * credential is created.
 */
export function ensureCredentialCheckSchedule(client: Client, input: { taskQueue: string; intervalHours: number }): Promise<void> {
  let done = credentialSchedules.get(client);
  if (!done) {
    done = client.schedule
      .create({
        scheduleId: CREDENTIAL_CHECK_SCHEDULE_ID,
        spec: { intervals: [{ every: `${input.intervalHours}h` }] },
        action: {
          type: 'startWorkflow',
          workflowType: checkAllCredentials,
          workflowId: CREDENTIAL_CHECK_SCHEDULE_ID,
          taskQueue: input.taskQueue,
          args: [{}],
          typedSearchAttributes: strataAttributes({ kind: 'credential-check-all' }),
        },
        policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
      })
      .then(
        () => undefined,
        (err) => {
          if (err instanceof ScheduleAlreadyRunning) return;
          credentialSchedules.delete(client);
          throw err;
        },
      );
    credentialSchedules.set(client, done);
  }
  return done;
}
