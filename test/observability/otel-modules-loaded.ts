import { createRequire } from 'node:module';

// Loads what the API and worker entry points load for tracing, then prints which OpenTelemetry modules are in
// memory (JSON array of paths). Run by tracing.test.ts with and without OTEL_EXPORTER_OTLP_ENDPOINT.
await import('../../api/tracing-preload');
await import('../../temporal/tracing-preload');
await import('../../core/log');
const { createStorage } = await import('../../core/runtime');
const { clientTracingInterceptors, workerTracing } = await import('../../temporal/tracing');
await clientTracingInterceptors();
await workerTracing();
void createStorage;
const cache = createRequire(import.meta.url).cache;
console.log(JSON.stringify(Object.keys(cache).filter((p) => /@opentelemetry|interceptors-opentelemetry/.test(p))));
process.exit(0);
