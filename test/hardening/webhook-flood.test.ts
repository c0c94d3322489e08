import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createConnection, linkModule } from '../vcs/helpers';
import { GitHubStandIn } from '../vcs/stand-ins/github';

// Unauthenticated work is cheap and bounded: a flood of forged webhook deliveries (large, deeply nested JSON, bad
// signatures) against the real API must be refused quickly, without moving protocol read latency or growing the
// process. The flood runs in a child process; the API (and the read probe) run in this one.

const DELIVERIES = 500;
const CONCURRENCY = 16;
const NESTING = 390_000; // ~780 KiB of `[` and `]`

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let github: GitHubStandIn;
let work: string;
let linkUrl: string;

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true', STRATA_BODY_MEMORY_BYTES: String(16 * 1024 * 1024) } });
  call = clientFor(platform);
  github = await new GitHubStandIn().start();
  github.git.repository('acme/infra');
  work = await mkdtemp(join(tmpdir(), 'strata-flood-'));
  const connection = await createConnection(call, { kind: 'github', name: 'GitHub stand-in', baseUrl: github.url, token: 'ghp_validtoken' });
  linkUrl = (await linkModule(call, 'acme/network/aws', { connectionId: connection.id, repository: 'acme/infra' })).webhookUrl;
  const { bytes } = await writeDemoModule(work, '1.0.0');
  const published = await call('/api/v1/modules/acme/demo/aws/1.0.0?wait=true', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
  expect(published.status, published.body.toString()).toBe(201);
}, 240_000);

afterAll(async () => {
  await github?.close();
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The forger: one payload, sent DELIVERIES times to the link's URL and the shared URL, CONCURRENCY at a time. */
const FLOOD = `
const http = require('node:http');
const [linkUrl, sharedUrl, total, concurrency, nesting] = process.argv.slice(1);
const payload = Buffer.from('{"ref":"refs/tags/v9.9.9","repository":{"full_name":"acme/infra"},"x":' + '['.repeat(+nesting) + ']'.repeat(+nesting) + '}');
const agent = new http.Agent({ keepAlive: true, maxSockets: +concurrency });
const statuses = {};
const times = [];
let next = 0;
function one(i) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(i % 2 ? sharedUrl : linkUrl, { method: 'POST', agent, headers: {
      'content-type': 'application/json', 'content-length': payload.length, 'x-github-event': 'push',
      'x-github-delivery': 'forged-' + i, 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) } }, (res) => {
      res.resume();
      res.on('end', () => { statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; times.push(Number(process.hrtime.bigint() - started) / 1e6); resolve(); });
    });
    req.on('error', () => { statuses.error = (statuses.error || 0) + 1; resolve(); });
    req.end(payload);
  });
}
async function worker() { while (next < +total) await one(next++); }
const started = Date.now();
Promise.all(Array.from({ length: +concurrency }, worker)).then(() => {
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ statuses, ms: Date.now() - started, p50: times[times.length >> 1], bytes: payload.length }));
  agent.destroy();
});
`;

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

/** Sequential protocol reads until `until` settles: their latencies. */
async function probeReads(until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies: number[] = [];
  while (!done) {
    const t = performance.now();
    const res = await call('/v1/modules/acme/demo/aws/versions', { token: null });
    latencies.push(performance.now() - t);
    expect(res.status).toBe(200);
    await sleep(5);
  }
  return latencies;
}

describe('a flood of forged webhook deliveries', () => {
  it('is refused fast without moving protocol read latency or growing the API', async () => {
    const quiet = await probeReads(sleep(2_000));
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);

    const flood = promisify(execFile)(process.execPath, ['-e', FLOOD, linkUrl, `${platform.url}/webhooks/github`, String(DELIVERIES), String(CONCURRENCY), String(NESTING)], {
      maxBuffer: 1024 * 1024,
    });
    const [reads, out] = await Promise.all([probeReads(flood), flood]);
    clearInterval(sampler);
    const result = JSON.parse(out.stdout) as { statuses: Record<string, number>; ms: number; p50: number; bytes: number };
    const numbers = {
      payloadBytes: result.bytes,
      floodMs: result.ms,
      forgedP50Ms: +result.p50.toFixed(1),
      statuses: result.statuses,
      readP50QuietMs: +percentile(quiet, 0.5).toFixed(2),
      readP50FloodMs: +percentile(reads, 0.5).toFixed(2),
      readP95FloodMs: +percentile(reads, 0.95).toFixed(2),
      reads: reads.length,
      rssBaselineMiB: Math.round(baseline / 2 ** 20),
      rssPeakMiB: Math.round(peak / 2 ** 20),
    };
    console.log(`webhook flood: ${JSON.stringify(numbers)}`);

    // Every forged delivery is refused: the link URL checks the signature on the raw bytes (401); the shared URL
    // refuses the nesting before parsing (400) — nothing is accepted, nothing fails with a 5xx.
    const refused = (result.statuses['401'] ?? 0) + (result.statuses['400'] ?? 0);
    expect(refused, JSON.stringify(result.statuses)).toBe(DELIVERIES);
    expect(result.statuses['401']).toBe(DELIVERIES / 2);
    expect(Number(((await platform.db('vcs_deliveries').count({ n: '*' })) as [{ n: string }])[0].n)).toBe(0);
    expect(reads.length).toBeGreaterThan(20);
    // Generous bounds for a busy 2-core machine (before the fix: p50 in the hundreds of milliseconds).
    expect(numbers.readP50FloodMs).toBeLessThan(100);
    expect(numbers.rssPeakMiB - numbers.rssBaselineMiB).toBeLessThan(256);
  }, 180_000);

  it('shares one memory budget for in-flight bodies: past it, 503 server_busy with Retry-After, then recovers', async () => {
    // 16 MiB of budget: 21 deliveries announcing ~780 KiB each that never finish sending cannot all be held.
    const held = Array.from({ length: 21 }, () => {
      const req = request(linkUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(800 * 1024), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      });
      const answer = new Promise<{ status: number; retryAfter?: string; body: string } | null>((resolve) => {
        req.once('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: Buffer.concat(chunks).toString() }));
        });
        req.once('error', () => resolve(null));
      });
      req.write('{"x":1');
      return { req, answer };
    });
    const busy = await Promise.race(held.map((h) => h.answer));
    expect(busy?.status, busy?.body).toBe(503);
    expect(busy!.retryAfter).toBe('1');
    expect(JSON.parse(busy!.body).error.code).toBe('server_busy');
    for (const h of held) h.req.destroy();
    await Promise.all(held.map((h) => h.answer));
    // The budget was given back when those requests ended: a delivery is read (and refused on its signature).
    const again = await call(linkUrl, { method: 'POST', token: null, body: '{}', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } });
    expect(again.status).toBe(401);
  }, 60_000);
});
