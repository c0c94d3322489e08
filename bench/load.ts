import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import autocannon, { type Result } from 'autocannon';
import { cpuMicros } from './process-cpu';

/** One endpoint to put under load. */
export interface Target {
  id: string;
  label: string;
  url: string;
  /** Request headers, e.g. a reader's `Authorization: Bearer` for a private namespace. */
  headers?: Record<string, string>;
  /** Statuses a correct answer may have (204 for a module download). */
  ok: number[];
  /** The server process, to read its CPU time (see process-cpu.ts); null when unknown. */
  pid: number | null;
  /** Checks the first answer; returns what is wrong, or null. */
  verify?: (answer: { body: string; headers: IncomingHttpHeaders }) => string | null;
}

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  /** Length of one measured slice; target and baseline slices alternate. */
  sliceSeconds: number;
}

export interface LoadResult {
  id: string;
  label: string;
  url: string;
  /** Latency of the first request after seeding (an empty cache), in ms; null for the baseline. */
  coldMs: number | null;
  /** Over all measured slices: requests ÷ seconds. */
  reqPerSec: number;
  requests: number;
  /**
   * Mean latency in ms by Little's law (connections ÷ req/s on a closed loop). autocannon's histogram truncates
   * to whole milliseconds, which cannot resolve sub-millisecond answers; this can.
   */
  mean: number;
  /** Latency percentiles in ms: the median over the slices (a burst of outside work moves one slice, not this). */
  p50: number;
  p90: number;
  p99: number;
  /** The worst single latency seen in any slice. */
  max: number;
  errors: number;
  timeouts: number;
  /** Answers outside the target's `ok` statuses (autocannon counts every 2xx as success). */
  failures: number;
  /** Server CPU time (all its threads) per request in µs, from /proc; null where that cannot be read. */
  cpuMicrosPerRequest: number | null;
  slices: { reqPerSec: number; p50: number; p99: number; cpuMicrosPerRequest: number | null }[];
}

/** The first answer of a target, as the client received it (still gzip-coded when it came so). */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body's bytes on the wire. */
  bytes: Buffer;
}

export interface Comparison {
  result: LoadResult;
  answer: Answer;
  /** The baseline slices around the target's slices (one more than the target has). */
  baseline: LoadResult;
  /** Median over the slices of target req/s ÷ the mean of the two baseline slices around it. */
  ratio: number;
  sliceRatios: number[];
  /** Server CPU per request over the baseline's: how much more work one answer costs, whatever else runs. */
  cpuRatio: number | null;
}

/**
 * Checks the endpoint answers correctly once (timing that cold request), warms it up, then measures it in
 * slices alternating with slices of the baseline: B T B T … B. Each target slice is compared with the baseline
 * slices on either side, and the median of those ratios is the result — on a shared machine, outside work comes
 * in bursts that would skew one long run but only move one slice here. Never two loads at once.
 */
export async function compareWithBaseline(target: Target, baseline: Target, settings: LoadSettings): Promise<Comparison> {
  const { ms: coldMs, answer } = await probe(target);
  await run(target, settings.connections, settings.warmupSeconds);
  const count = Math.max(1, Math.round(settings.durationSeconds / settings.sliceSeconds));
  const baselineRuns = [await run(baseline, settings.connections, settings.sliceSeconds)];
  const targetRuns: Slice[] = [];
  for (let i = 0; i < count; i++) {
    targetRuns.push(await run(target, settings.connections, settings.sliceSeconds));
    baselineRuns.push(await run(baseline, settings.connections, settings.sliceSeconds));
  }
  const sliceRatios = targetRuns.map((t, i) => rate(t) / ((rate(baselineRuns[i]!) + rate(baselineRuns[i + 1]!)) / 2));
  const result = summarise(target, targetRuns, coldMs, settings.connections);
  const base = summarise(baseline, baselineRuns, null, settings.connections);
  return {
    result,
    answer,
    baseline: base,
    ratio: median(sliceRatios),
    sliceRatios,
    cpuRatio: result.cpuMicrosPerRequest !== null && base.cpuMicrosPerRequest ? result.cpuMicrosPerRequest / base.cpuMicrosPerRequest : null,
  };
}

type Slice = Result & { cpuMicros: number | null };

async function run(target: Target, connections: number, seconds: number): Promise<Slice> {
  const before = target.pid === null ? null : cpuMicros(target.pid);
  const result = await autocannon({ url: target.url, connections, duration: seconds, headers: target.headers });
  const after = target.pid === null ? null : cpuMicros(target.pid);
  return { ...result, cpuMicros: before === null || after === null ? null : after - before };
}

const rate = (r: Result) => r.requests.total / r.duration;

function summarise(target: Target, runs: Slice[], coldMs: number | null, connections: number): LoadResult {
  const requests = runs.reduce((sum, r) => sum + r.requests.total, 0);
  const reqPerSec = requests / runs.reduce((sum, r) => sum + r.duration, 0);
  const sum = (f: (r: Slice) => number) => runs.reduce((total, r) => total + f(r), 0);
  return {
    id: target.id,
    label: target.label,
    url: target.url,
    coldMs,
    reqPerSec,
    requests,
    mean: (1000 * connections) / reqPerSec,
    p50: median(runs.map((r) => r.latency.p50)),
    p90: median(runs.map((r) => r.latency.p90)),
    p99: median(runs.map((r) => r.latency.p99)),
    max: Math.max(...runs.map((r) => r.latency.max)),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    failures: sum((r) =>
      Object.entries(r.statusCodeStats)
        .filter(([status]) => !target.ok.includes(Number(status)))
        .reduce((n, [, s]) => n + s.count, 0),
    ),
    cpuMicrosPerRequest: runs.every((r) => r.cpuMicros !== null) ? sum((r) => r.cpuMicros!) / requests : null,
    slices: runs.map((r) => ({
      reqPerSec: rate(r),
      p50: r.latency.p50,
      p99: r.latency.p99,
      cpuMicrosPerRequest: r.cpuMicros === null ? null : r.cpuMicros / r.requests.total,
    })),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One request on a fresh connection (no pooled socket from the seeding), timed; throws when the answer is wrong. */
async function probe(target: Target): Promise<{ ms: number; answer: Answer }> {
  const started = performance.now();
  const { status, headers, body, bytes } = await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string; bytes: Buffer }>((resolve, reject) => {
    get(target.url, { agent: false, headers: target.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        // Decoded as the client does when it asked for gzip.
        const raw = Buffer.concat(chunks);
        const body = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, bytes: raw });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
  const ms = performance.now() - started;
  if (!target.ok.includes(status)) {
    throw new Error(`${target.label}: ${target.url} answered ${status}, expected ${target.ok.join('/')}: ${body.slice(0, 300)}`);
  }
  if (status === 200 && !(headers['content-type'] ?? '').startsWith('application/json')) {
    throw new Error(`${target.label}: ${target.url} answered ${headers['content-type']}, expected application/json`);
  }
  const problem = target.verify?.({ body, headers });
  if (problem) throw new Error(`${target.label}: ${target.url}: ${problem}`);
  return { ms, answer: { status, headers, bytes } };
}
