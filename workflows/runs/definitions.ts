import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Who decides, and why: the API checks the decider against the approval policy before it sends the update. */
export interface RunDecision {
  userId: string;
  userLabel: string;
  comment: string | null;
}

export interface ApprovalProgress {
  approvals: number;
  required: number;
}

/** Approve a run waiting for approval. Rejected (not recorded) when the run is not waiting. Same user twice: once. */
export const approveRunUpdate = defineUpdate<ApprovalProgress, [RunDecision]>('approveRun');
/** Discard a run waiting for approval. */
export const discardRunUpdate = defineUpdate<void, [RunDecision]>('discardRun');
export const runStageQuery = defineQuery<{ stage: RunStage } & ApprovalProgress>('runStage');
export type RunStage = 'starting' | 'planning' | 'awaiting_approval' | 'applying' | 'done';

/** A run to start in its workspace's turn (names are for the Temporal UI's search attributes). */
export interface QueuedRun {
  runId: string;
  orgName: string;
  workspaceName: string;
  /** Pulumi deployments run `runPulumi` under `pulumi-run:<runId>`; absent means Terraform/OpenTofu. */
  engine?: 'pulumi';
}
export const enqueueRunSignal = defineSignal<[QueuedRun]>('enqueueRun');

export const runWorkflowId = (runId: string, engine?: string) => (engine === 'pulumi' ? `pulumi-run:${runId}` : `run:${runId}`);
export const workspaceQueueWorkflowId = (workspaceId: string) => `workspace-runs:${workspaceId}`;
