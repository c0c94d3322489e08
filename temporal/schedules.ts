import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { checkDrift } from '../workflows/runs/check-drift';
import { checkAllCredentials } from '../workflows/credentials/check-all-credentials';
import { CREDENTIAL_CHECK_SCHEDULE_ID } from '../workflows/credentials/ids';
import { NOTIFICATION_SWEEP_SCHEDULE_ID } from '../workflows/notifications/ids';
import { sweepNotifications } from '../workflows/notifications/sweep-notifications';
import { VCS_RECONCILE_SCHEDULE_ID } from '../workflows/vcs/ids';
import { reconcileVcsLinks } from '../workflows/vcs/reconcile-vcs-links';
import { StrataOrg, StrataWorkspace, strataAttributes } from './search-attributes';

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

/** The schedule of a workspace's drift checks. */
export const driftScheduleId = (workspaceId: string) => `drift:${workspaceId}`;

/**
 * Creates, changes or removes a workspace's drift schedule to match its setting (null: none). Idempotent.
 */
export async function syncDriftSchedule(client: Client, input: { taskQueue: string; workspaceId: string; orgName: string; workspaceName: string; intervalMinutes: number | null }): Promise<void> {
  const handle = client.schedule.getHandle(driftScheduleId(input.workspaceId));
  if (input.intervalMinutes === null) {
    await handle.delete().catch((err: unknown) => {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    });
    return;
  }
  const spec = { intervals: [{ every: `${input.intervalMinutes}m` as Duration }] };
  try {
    await client.schedule.create({
      scheduleId: driftScheduleId(input.workspaceId),
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: checkDrift,
        workflowId: `drift-check:${input.workspaceId}`,
        taskQueue: input.taskQueue,
        args: [{ workspaceId: input.workspaceId }],
        typedSearchAttributes: [...strataAttributes({ kind: 'drift-check' }), { key: StrataOrg, value: input.orgName }, { key: StrataWorkspace, value: input.workspaceName }],
      },
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((prev) => ({ ...prev, spec }));
  }
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
