import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Connection } from '@temporalio/client';
import Long from 'long';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildProduction, eventually } from '../harness/production';
import { Cluster, moduleArchive } from '../production/cluster';

// OpenTelemetry end to end: an API and a worker from the compiled build export over OTLP/HTTP (JSON) to a
// receiver in this test; one publish must yield ONE trace from the API's HTTP span through the workflow and its
// activities to PostgreSQL and storage.

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SPAN_KIND_SERVER = 2;
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A minimal OTLP/HTTP trace receiver: POST /v1/traces with the JSON encoding. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close: () => Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const request = JSON.parse(body.toString('utf8')) as {
        resourceSpans: {
          resource: { attributes: { key: string; value: { stringValue?: string } }[] };
          scopeSpans: { spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: { key: string; value: Record<string, unknown> }[] })[] }[];
        }[];
      };
      for (const rs of request.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
            spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, attributes });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

let build: Awaited<ReturnType<typeof buildProduction>>;
let cluster: Cluster;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let connection: Connection;

beforeAll(async () => {
  receiver = await startReceiver();
  build = await buildProduction();
  const adminUrl = inject('postgresUrl');
  const name = `strata_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const namespace = `strata-otel-${randomBytes(6).toString('hex')}`;
  connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  cluster = new Cluster({
    dist: build.dir,
    databaseUrl: adminUrl.replace(/\/[^/]+$/, `/${name}`),
    temporalAddress: inject('temporalAddress'),
    namespace,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_FORMAT: 'json' },
  });
  await cluster.init();
  await cluster.migrate();
  await cluster.startWorker(0);
  await cluster.startApi(0);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await connection?.close();
  await build?.remove();
  await receiver?.close();
});

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('exports one trace from the API request through the workflow and its activities to PostgreSQL and storage', async () => {
    const path = `otel/mod${randomBytes(3).toString('hex')}/aws/1.0.0`;
    const res = await cluster.publishModule(0, path, await moduleArchive(tmpdir(), 'otel', '1.0.0', 1024), true);
    expect(res.status, res.body.toString()).toBeLessThan(300);

    const httpSpan = await eventually(
      async () => receiver.spans.find((s) => s.service === 'strata-api' && s.kind === SPAN_KIND_SERVER && String(s.attributes['http.target']).includes(path)),
      15_000,
      'the API HTTP server span',
    ).catch((err: Error) => {
      throw new Error(`${err.message}; received ${receiver.spans.map((s) => `${s.service}:${s.name} ${String(s.attributes['http.target'] ?? '')}`).join(', ')}\napi output:\n${cluster.apis[0]!.process.output.slice(-4000)}`);
    });
    const trace = () => receiver.spans.filter((s) => s.traceId === httpSpan.traceId);
    const expected: [string, RegExp][] = [
      ['strata-api', /^StartWorkflow:/],
      ['strata-api', /^pg\.query/],
      ['strata-worker', /^RunWorkflow:/],
      ['strata-worker', /^StartActivity:/],
      ['strata-worker', /^RunActivity:/],
      ['strata-worker', /^pg\.query/],
      ['strata-worker', /^storage (put|copy|get)$/],
    ];
    const missing = () => expected.filter(([service, name]) => !trace().some((s) => s.service === service && name.test(s.name)));
    await eventually(async () => missing().length === 0, 15_000, 'every expected span in the request trace').catch(() => {
      throw new Error(`missing ${missing().map(([s, n]) => `${s} ${n}`).join(', ')}; trace has ${trace().map((s) => `${s.service}:${s.name}`).join(', ')}`);
    });
    // Every span of the trace hangs from another span of it, up to the HTTP request.
    const ids = new Set(trace().map((s) => s.spanId));
    for (const s of trace()) if (s !== httpSpan) expect(ids.has(s.parentSpanId ?? ''), `${s.service}:${s.name} has its parent in the trace`).toBe(true);

    // The tracing worker runs the prebuilt bundle that carries OpenTelemetry's workflow interceptor.
    expect(cluster.workers[0]!.output).toContain(`"workflowBundle":"${join(build.dir, 'workflow-bundle-traced.js')}"`);
    // The JSON log lines written for the request and by its activities carry the exported trace id.
    const api = cluster.apis[0]!.process.output;
    const requestLine = api.split('\n').find((l) => l.includes('"msg":"request"') && l.includes(path));
    expect(requestLine).toContain(`"traceId":"${httpSpan.traceId}"`);
  });
});

describe('OpenTelemetry off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  const loadedOtelModules = async (env: Record<string, string>) => {
    const { stdout } = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['test/observability/otel-modules-loaded.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as string[];
  };

  it('loads no OpenTelemetry module at all, while the same entry points with the variable load the SDK', async () => {
    expect(await loadedOtelModules({})).toEqual([]);
    const on = await loadedOtelModules({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.some((p) => p.includes('sdk-trace-node'))).toBe(true);
    expect(on.some((p) => p.includes('interceptors-opentelemetry'))).toBe(true);
  }, 120_000);
});
