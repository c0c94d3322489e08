import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, InjectedSinks, Next, WorkerInterceptors } from '@temporalio/worker';
import { runWithTraceId } from '../core/observability/trace-context';
import { activeTracing } from '../core/observability/tracing';
import type { WorkerMetrics } from '../core/observability/worker-metrics';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import type { MetricsSinks } from '../workflows/metrics-interceptor';
import { TRACE_HEADER } from '../workflows/trace-interceptor';
import { otelWorkflowInterceptorModule, workerTracing } from './tracing';

/**
 * The workflow-side interceptor modules: they must be in the workflow bundle as well as named to the worker.
 * OpenTelemetry's is added for workers that trace only (see temporal/tracing.ts).
 */
export function workflowInterceptorModules(options: { tracing: boolean }): string[] {
  return [
    ...['../workflows/metrics-interceptor.ts', '../workflows/trace-interceptor.ts'].map((m) => fileURLToPath(new URL(m, import.meta.url))),
    ...(options.tracing ? [otelWorkflowInterceptorModule] : []),
  ];
}

/**
 * The worker's observability wiring: an activity interceptor that times every attempt and runs it under the
 * trace id its workflow passed on (so its log lines carry it), and the sink through which the workflow
 * interceptor reports how runs close.
 */
export async function workerObservability(
  metrics: WorkerMetrics,
): Promise<{ interceptors: WorkerInterceptors; sinks: InjectedSinks<MetricsSinks> & Partial<InjectedSinks<OpenTelemetrySinks>> }> {
  const tracing = await workerTracing();
  async function timed(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = performance.now();
    const type = Context.current().info.activityType;
    try {
      const result = await next(input);
      metrics.activity(type, 'completed', (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      metrics.activity(type, err instanceof CancelledFailure ? 'cancelled' : 'failed', (performance.now() - started) / 1000);
      throw err;
    }
  }
  const inbound: ActivityInboundCallsInterceptor = {
    execute(input, next) {
      const header = input.headers[TRACE_HEADER];
      const traceId = header ? defaultPayloadConverter.fromPayload<string>(header) : undefined;
      return traceId ? runWithTraceId(traceId, () => timed(input, next)) : timed(input, next);
    },
  };
  return {
    interceptors: { workflowModules: workflowInterceptorModules({ tracing: activeTracing() !== null }), activity: [...tracing.activity, () => ({ inbound })] },
    sinks: {
      ...tracing.sinks,
      strataMetrics: {
        workflowClosed: {
          fn: (info, outcome) => metrics.workflow(info.workflowType, outcome, (Date.now() - info.runStartTime.getTime()) / 1000),
        },
      },
    },
  };
}
