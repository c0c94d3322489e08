import {
  ContinueAsNew,
  isCancellation,
  proxySinks,
  TemporalFailure,
  type Next,
  type Sinks,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

/** What the workflow side tells the worker's metrics (the worker adds the workflow's type and timings). */
export type WorkflowOutcome = 'completed' | 'failed' | 'cancelled' | 'continued' | 'task_failed';

export interface MetricsSinks extends Sinks {
  strataMetrics: { workflowClosed(outcome: WorkflowOutcome): void };
}

const { strataMetrics } = proxySinks<MetricsSinks>();

function outcomeOf(err: unknown): WorkflowOutcome {
  if (err instanceof ContinueAsNew) return 'continued';
  if (isCancellation(err)) return 'cancelled';
  // Anything but a Temporal failure fails the workflow *task* (retried), not the workflow.
  return err instanceof TemporalFailure ? 'failed' : 'task_failed';
}

/** Reports how each workflow run closes. Sinks are not called during replay, so a run is counted once. */
class MetricsInbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      const result = await next(input);
      strataMetrics.workflowClosed('completed');
      return result;
    } catch (err) {
      strataMetrics.workflowClosed(outcomeOf(err));
      throw err;
    }
  }
}

/** Loaded by the worker through `interceptors.workflowModules` (and bundled with the workflows). */
export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new MetricsInbound()] });
