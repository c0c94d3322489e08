import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  allHandlersFinished,
} from '@temporalio/workflow';
import type { RunActivities } from '../../activities/runs/run-activities';
import { activityPresets } from '../../temporal/presets';
import { approveRunUpdate, discardRunUpdate, runStageQuery, type RunDecision, type RunStage } from './definitions';

const short = proxyActivities<RunActivities>(activityPresets.short);
const engine = proxyActivities<RunActivities>(activityPresets.engine);
const locking = proxyActivities<RunActivities>(activityPresets.stateLock);

const HOUR_MS = 3600_000;

type RunStatus = Parameters<RunActivities['finishRun']>[0]['status'];

/** The engine-specific steps of a run: its plan (or preview) and its apply (or update), and whether it takes the state lock. */
export interface RunSteps {
  lockState: boolean;
  plan: (input: { runId: string }) => Promise<{ hasChanges: boolean; summary: { add: number; change: number; destroy: number } }>;
  apply: (input: { runId: string }) => Promise<unknown>;
}

/**
 * A Terraform/OpenTofu run, `run:<runId>`: state lock → init + plan (logs streamed, plan stored) → approval
 * (a Temporal update, checked against the environment's policy by the API; reminders; a timeout discards) →
 * apply of exactly the saved plan → outputs. Speculative plans stop after the plan. The lock is released on
 * every way out, cancellation included. The apply activity claims the apply once, so neither a retry, a replay
 * nor a second approval can apply twice; a worker lost mid-apply ends the run `errored` with the reason.
 */
export async function runTerraform(input: { runId: string }): Promise<{ status: RunStatus }> {
  return runLifecycle(input, { lockState: true, plan: engine.planRun, apply: engine.applyRun });
}

/** The lifecycle every run shares (Terraform/OpenTofu and Pulumi): queue → plan → approval → apply, exactly once. */
export async function runLifecycle(input: { runId: string }, steps: RunSteps): Promise<{ status: RunStatus }> {
  let stage: RunStage = 'starting';
  let approvals = 0;
  let required = 1;
  let discarded = false;
  const deciders = new Set<string>();

  setHandler(runStageQuery, () => ({ stage, approvals, required }));
  const mustAwait = (_decision: RunDecision) => {
    if (stage !== 'awaiting_approval') throw ApplicationFailure.nonRetryable(`the run is not waiting for approval (${stage})`, 'NotAwaitingApproval');
  };
  setHandler(
    approveRunUpdate,
    async (d) => {
      if (!deciders.has(d.userId)) {
        deciders.add(d.userId);
        approvals = Math.max(approvals, await short.recordRunDecision({ runId: input.runId, ...d, decision: 'approve' }));
      }
      return { approvals, required };
    },
    { validator: mustAwait },
  );
  setHandler(
    discardRunUpdate,
    async (d) => {
      if (!deciders.has(d.userId)) {
        deciders.add(d.userId);
        await short.recordRunDecision({ runId: input.runId, ...d, decision: 'discard' });
      }
      discarded = true;
    },
    { validator: mustAwait },
  );

  const finish = async (status: RunStatus, error: string | null = null) => {
    stage = 'done';
    await CancellationScope.nonCancellable(async () => {
      await short.finishRun({ runId: input.runId, status, error });
      if (status === 'errored') await short.raiseRunEvent({ runId: input.runId, type: 'run.errored' });
      if (status === 'applied') await short.raiseRunEvent({ runId: input.runId, type: 'run.applied' });
    });
    await condition(allHandlersFinished);
    return { status };
  };

  const start = await short.beginRun(input);
  if (!start.proceed) {
    stage = 'done';
    return { status: 'canceled' };
  }
  required = start.policy.requiredApprovals;
  try {
    stage = 'planning';
    if (steps.lockState) await locking.lockStateForRun({ runId: input.runId, workspaceId: start.workspaceId });
    const plan = await steps.plan(input);
    if (start.operation === 'plan') {
      if (plan.hasChanges && start.refreshOnly) await short.raiseRunEvent({ runId: input.runId, type: 'run.drift_detected' });
      return await finish(plan.hasChanges ? 'planned' : 'planned_no_changes');
    }
    if (!plan.hasChanges) return await finish('planned_no_changes');
    if (!start.autoApply) {
      stage = 'awaiting_approval';
      await short.setRunStatus({ runId: input.runId, status: 'awaiting_approval' });
      await short.raiseRunEvent({ runId: input.runId, type: 'run.awaiting_approval' });
      const decided = () => discarded || approvals >= required;
      const deadline = Date.now() + start.policy.timeoutHours * HOUR_MS;
      for (let reminder = 1; !decided(); reminder++) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        if (await condition(decided, Math.min(left, start.reminderHours * HOUR_MS))) break;
        if (deadline - Date.now() > 0) await short.raiseRunEvent({ runId: input.runId, type: 'run.awaiting_approval', reminder });
      }
      if (discarded) return await finish('discarded');
      if (!decided()) return await finish('discarded', `no approval within ${start.policy.timeoutHours} h`);
    }
    stage = 'applying';
    await short.setRunStatus({ runId: input.runId, status: 'applying' });
    await steps.apply(input);
    return await finish('applied');
  } catch (err) {
    if (isCancellation(err)) return await finish('canceled', 'canceled by a user');
    return await finish('errored', reasonOf(err));
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
