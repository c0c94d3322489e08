import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  StartChildWorkflowExecutionInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** Temporal header carrying the trace id from the API to a workflow, and from it to its activities and children. */
export const TRACE_HEADER = 'strata-trace-id';

/** Passes the trace id header a workflow was started with on to everything it schedules (payload as received). */
class TracePropagation {
  private header: WorkflowExecuteInput['headers'][string] | undefined;

  readonly inbound: WorkflowInboundCallsInterceptor = {
    execute: (input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) => {
      this.header = input.headers[TRACE_HEADER];
      return next(input);
    },
  };

  readonly outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) => next(this.withHeader(input)),
    scheduleLocalActivity: (input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) =>
      next(this.withHeader(input)),
    startChildWorkflowExecution: (
      input: StartChildWorkflowExecutionInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
    ) => next(this.withHeader(input)),
  };

  private withHeader<T extends { headers: WorkflowExecuteInput['headers'] }>(input: T): T {
    return this.header ? { ...input, headers: { ...input.headers, [TRACE_HEADER]: this.header } } : input;
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const propagation = new TracePropagation();
  return { inbound: [propagation.inbound], outbound: [propagation.outbound] };
};
