import { createRequire } from 'node:module';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import { activeTracing } from '../core/observability/tracing';

/**
 * Temporal's OpenTelemetry interceptors (`@temporalio/interceptors-opentelemetry`), loaded only when tracing is on
 * (core/observability/tracing.ts): the client's start span carries the API request's trace into the workflow
 * headers; the workflow's spans leave its sandbox through the `exporter` sink; activities continue the trace.
 *
 * The workflow-side module ({@link otelWorkflowInterceptorModule}) is bundled only for workers that trace: it
 * more than doubles the workflow code (0.58 → 1.37 MB without source maps) and cost ~30 MB of worker memory in a
 * replay measurement. So `npm run build` writes two prebuilt bundles (core/layout.ts), and the worker loads the
 * one matching whether tracing is on (temporal/create-worker.ts).
 */
export const otelWorkflowInterceptorModule = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export async function clientTracingInterceptors(): Promise<WorkflowClientInterceptor[]> {
  if (!activeTracing()) return [];
  const { OpenTelemetryWorkflowClientInterceptor } = await import('@temporalio/interceptors-opentelemetry');
  return [new OpenTelemetryWorkflowClientInterceptor()];
}

export async function workerTracing(): Promise<{ activity: ActivityInterceptorsFactory[]; sinks: Partial<InjectedSinks<OpenTelemetrySinks>> }> {
  const tracing = activeTracing();
  if (!tracing) return { activity: [], sinks: {} };
  const { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } = await import(
    '@temporalio/interceptors-opentelemetry'
  );
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
