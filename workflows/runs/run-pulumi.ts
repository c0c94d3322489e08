import { proxyActivities } from '@temporalio/workflow';
import type { PulumiActivities } from '../../activities/runs/pulumi-activities';
import { activityPresets } from '../../temporal/presets';
import { runLifecycle } from './run-terraform';

const pulumi = proxyActivities<PulumiActivities>(activityPresets.engine);

/**
 * A Pulumi plugin deployment's run, `pulumi-run:<runId>`: the Terraform runs' lifecycle (queue, approval by the
 * environment's policy, reminders, timeout, cancel, exactly-once apply, logs) with a preview and an `up` (or destroy,
 * or refresh) through the Automation API. The stack's own lock in its backend stands in for the state lock.
 */
export async function runPulumi(input: { runId: string }): Promise<{ status: string }> {
  return runLifecycle(input, { lockState: false, plan: pulumi.previewPulumi, apply: pulumi.upPulumi });
}
