import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { freePort } from '../harness/ports';
import { parseSamples, total, type Sample } from './prometheus-text';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_METRICS_TOKEN: METRICS_TOKEN, STRATA_WORKER_METRICS_PORT: String(await freePort()) } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-metrics-'));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function apiMetrics(): Promise<Sample[]> {
  const res = await call('/metrics', { token: METRICS_TOKEN });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseSamples(res.body.toString('utf8'));
}

async function workerMetrics(): Promise<Sample[]> {
  const res = await fetch(platform.workerMetricsUrl!, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return parseSamples(await res.text());
}

/** Metrics a background step records (sink calls, download flushes) appear shortly after the request. */
async function eventually(read: () => Promise<Sample[]>, check: (s: Sample[]) => boolean, ms = 10_000): Promise<Sample[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const samples = await read();
    if (check(samples) || Date.now() > deadline) return samples;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('metrics', () => {
  it('refuses scrapers without the metrics token, on the API and on the worker', async () => {
    expect((await call('/metrics', { token: null })).status).toBe(401);
    expect((await call('/metrics', { token: platform.token })).status).toBe(401);
    const worker = await fetch(platform.workerMetricsUrl!);
    expect(worker.status).toBe(401);
  });

  it('counts a publish by outcome, on the API and as workflow and activity outcomes on the worker', async () => {
    const publish = (version: string, body: Buffer) =>
      call(`/api/v1/modules/acme/demo/aws/${version}?wait=true`, { method: 'POST', body, headers: { 'content-type': 'application/gzip' } });
    expect((await publish('1.0.0', (await writeDemoModule(work, '1.0.0')).bytes)).status).toBe(201);
    const invalid = join(work, 'invalid.tar.gz');
    await writeTarGz(invalid, [{ name: 'main.tf', content: 'resource "x" {\n  a = \n' }]);
    expect((await publish('2.0.0', await readFile(invalid))).status).toBe(422);

    const api = await apiMetrics();
    expect(total(api, 'strata_publishes_total', { kind: 'module', outcome: 'published' })).toBe(1);
    expect(total(api, 'strata_publishes_total', { kind: 'module', outcome: 'rejected' })).toBe(1);
    expect(total(api, 'strata_http_requests_total', { family: 'api/v1/modules', method: 'POST', status: '2xx' })).toBe(1);
    expect(total(api, 'strata_http_requests_total', { family: 'api/v1/modules', method: 'POST', status: '4xx' })).toBe(1);

    const worker = await eventually(workerMetrics, (s) => total(s, 'strata_workflow_executions_total', { workflow: 'publishModule' }) >= 2);
    expect(total(worker, 'strata_workflow_executions_total', { workflow: 'publishModule', outcome: 'completed' })).toBe(1);
    expect(total(worker, 'strata_workflow_executions_total', { workflow: 'publishModule', outcome: 'failed' })).toBe(1);
    expect(total(worker, 'strata_activity_executions_total', { outcome: 'failed' })).toBeGreaterThan(0);
    expect(total(worker, 'strata_workflow_duration_seconds_count', { workflow: 'publishModule', outcome: 'completed' })).toBe(1);
    const activities = worker.filter((s) => s.name === 'strata_activity_executions_total' && s.labels.outcome === 'completed');
    expect(activities.length).toBeGreaterThan(1);
    expect(total(worker, 'strata_activity_duration_seconds_count', { outcome: 'completed' })).toBe(
      total(worker, 'strata_activity_executions_total', { outcome: 'completed' }),
    );
  });

  it('times protocol reads per route family, counts cache hits and misses, and flushed downloads', async () => {
    const before = await apiMetrics();
    const versions = '/v1/modules/acme/demo/aws/versions';
    for (let i = 0; i < 3; i++) expect((await call(versions, { token: null })).status).toBe(200);
    expect((await call('/v1/modules/acme/demo/aws/1.0.0/download', { token: null })).status).toBe(204);
    const after = await eventually(apiMetrics, (s) => total(s, 'strata_downloads_flushed_total', { kind: 'module' }) > 0);

    const delta = (name: string, labels: Record<string, string>) => total(after, name, labels) - total(before, name, labels);
    const family = { family: 'v1/modules/versions' };
    expect(delta('strata_http_request_duration_seconds_count', { ...family, method: 'GET', status: '2xx' })).toBe(3);
    expect(delta('strata_http_request_duration_seconds_bucket', { ...family, le: '+Inf' })).toBe(3);
    expect(delta('strata_protocol_cache_requests_total', { ...family, result: 'miss' })).toBe(1);
    expect(delta('strata_protocol_cache_requests_total', { ...family, result: 'hit' })).toBe(2);
    expect(delta('strata_http_requests_total', { family: 'v1/modules/download', method: 'GET', status: '2xx' })).toBe(1);
    expect(total(after, 'strata_downloads_flushed_total', { kind: 'module' })).toBe(1);

    // Labels name families, never raw paths: nothing a client typed becomes a label value.
    const values = after.flatMap((s) => Object.values(s.labels));
    expect(values.filter((v) => v.includes('acme') || v.includes('demo'))).toEqual([]);
  });
});

describe('trace id propagation', () => {
  it('carries the trace id of the publishing request to the workflow and every activity it schedules', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await call('/api/v1/modules/acme/traced/aws/1.0.0?wait=true', {
      method: 'POST',
      body: (await writeDemoModule(work, '1.0.0')).bytes,
      headers: { 'content-type': 'application/gzip', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(201);
    const history = await platform.temporal.workflow.getHandle(res.json<{ workflowId: string }>().workflowId).fetchHistory();
    const headerOf = (fields: Record<string, { data?: Uint8Array | null }> | null | undefined) => {
      const data = fields?.['strata-trace-id']?.data;
      return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : null;
    };
    const events = history.events ?? [];
    expect(headerOf(events[0]?.workflowExecutionStartedEventAttributes?.header?.fields)).toBe(traceId);
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    // The record and discard steps are local activities (no scheduled event of their own); the archive step is one.
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.map((e) => headerOf(e.activityTaskScheduledEventAttributes?.header?.fields))).toEqual(scheduled.map(() => traceId));
  });
});
