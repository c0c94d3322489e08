import { ActivityFailure, ApplicationFailure, CancellationScope, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createNotificationActivities } from '../../activities/notifications/notification-activities';
import { activityPresets } from '../../temporal/presets';

const notifications = proxyActivities<ReturnType<typeof createNotificationActivities>>(activityPresets.short);

/**
 * Raises `module.publish_failed` / `provider.publish_failed` for a failed publish (its namespace's owners and admins
 * hear of it), once per workflow run. A refused duplicate (`conflict`: the version exists) is not news. Guarded by a
 * patch: histories recorded before it replay unchanged.
 */
export async function noticePublishFailed(input: { kind: 'module' | 'provider'; namespace: string; address: string; version: string; error: unknown }): Promise<void> {
  if (!patched('notify-publish-failed')) return;
  const cause = input.error instanceof ActivityFailure ? input.error.cause : input.error;
  if (cause instanceof ApplicationFailure && cause.type === 'conflict') return;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const info = workflowInfo();
  // The publish's own failure is what the caller sees, whatever happens to the notice.
  await CancellationScope.nonCancellable(() =>
    notifications.raiseNotification({
      namespace: input.namespace,
      dedupeKey: `${input.kind}.publish_failed:${info.workflowId}:${info.runId}`,
      event: {
        type: input.kind === 'module' ? 'module.publish_failed' : 'provider.publish_failed',
        subject: `${input.address} ${input.version} could not be published`,
        link: `/activity/${info.workflowId}`,
        payload: { [input.kind]: input.address, version: input.version, reason: reason.slice(0, 500), workflowId: info.workflowId },
      },
    }),
  ).catch((err: unknown) => log.warn('could not raise the publish-failed notification', { error: err instanceof Error ? err.message : String(err) }));
}
