import { createRequire } from 'node:module';
import type * as otelApi from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracingSettings } from '../config';

/**
 * OpenTelemetry tracing, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: then spans of HTTP requests, Temporal
 * workflows and activities (temporal/tracing.ts), PostgreSQL queries and storage calls are exported over
 * OTLP/HTTP (the standard `OTEL_*` variables tune the exporter). Off, nothing of the SDK is loaded and every helper
 * here is a plain call.
 *
 * The SDK is loaded with a synchronous `require` so that {@link startTracing}, called by the process entry points
 * (core/observability/tracing-preload.ts) before `pg` and the HTTP server are loaded, has hooked them in time.
 */
export interface Tracing {
  api: typeof otelApi;
  /** The processor and resource the workflow span sink exports through (temporal/tracing.ts). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  shutdown(): Promise<void>;
}

let tracing: Tracing | null = null;

/** The running tracing, or null when off. */
export function activeTracing(): Tracing | null {
  return tracing;
}

/** Starts tracing for this process if configured (idempotent). */
export function startTracing(serviceName: string): Tracing | null {
  const settings = tracingSettings();
  if (tracing || !settings.enabled) return tracing;
  const require = createRequire(import.meta.url);
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { Resource } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');

  const resource = new Resource({ 'service.name': settings.serviceName ?? serviceName });
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Scrapes and health probes are not traced (one span per scrape would drown the traces that matter).
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|healthz|readyz)\b/.test(req.url ?? '') }),
      new PgInstrumentation(),
    ],
  });
  // The hooks patch a module when it is next `require`d. The entry points import `http` as an ES module (no hook
  // runs), and the first CommonJS `require('http')` may come only after the first requests: require it now.
  require('http');
  require('https');
  tracing = { api, spanProcessor, resource, shutdown: () => provider.shutdown() };
  return tracing;
}

/** Flushes and stops tracing (at shutdown, so the last spans are exported). */
export async function stopTracing(): Promise<void> {
  await tracing?.shutdown();
}

/** The trace id of the active span, when tracing is on and a span is active. */
export function activeSpanTraceId(): string | undefined {
  const span = tracing?.api.trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext().traceId : undefined;
}

/** Runs `fn` in a span named `name` when tracing is on (recording its failure), else just runs it. */
export function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: () => Promise<T>): Promise<T> {
  if (!tracing) return fn();
  const { api } = tracing;
  return api.trace.getTracer('strata').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}
