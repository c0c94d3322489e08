import autocannon from 'autocannon';

/** One endpoint to put under load. */
export interface Target {
  id: string;
  label: string;
  url: string;
  /** Statuses a correct answer may have (204 for a module download). */
  ok: number[];
  /** Checks the first answer; returns what is wrong, or null. */
  verify?: (answer: { body: string; headers: Headers }) => string | null;
}

export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  id: string;
  label: string;
  url: string;
  /** Latency of the first request after seeding (an empty cache), in ms. */
  coldMs: number;
  reqPerSec: number;
  requests: number;
  /** Mean latency in ms (finer-grained than the 1 ms percentile buckets). */
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  /** Answers outside the target's `ok` statuses (autocannon counts every 2xx as success). */
  failures: number;
  bytesPerSec: number;
}

/**
 * Checks the endpoint answers correctly once (timing that cold request), warms it up, then measures it with
 * `connections` concurrent keep-alive connections. Targets run one at a time: on a small machine the load
 * generator and the server already share the cores.
 */
export async function measure(target: Target, settings: LoadSettings): Promise<LoadResult> {
  const coldMs = await probe(target);
  await autocannon({ url: target.url, connections: settings.connections, duration: settings.warmupSeconds });
  const r = await autocannon({ url: target.url, connections: settings.connections, duration: settings.durationSeconds });
  const wrongStatuses = Object.entries(r.statusCodeStats)
    .filter(([status]) => !target.ok.includes(Number(status)))
    .reduce((sum, [, s]) => sum + s.count, 0);
  return {
    id: target.id,
    label: target.label,
    url: target.url,
    coldMs,
    reqPerSec: r.requests.average,
    requests: r.requests.total,
    mean: r.latency.average,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    failures: wrongStatuses,
    bytesPerSec: r.throughput.average,
  };
}

async function probe(target: Target): Promise<number> {
  const started = performance.now();
  const res = await fetch(target.url);
  const body = await res.text();
  const ms = performance.now() - started;
  if (!target.ok.includes(res.status)) {
    throw new Error(`${target.label}: ${target.url} answered ${res.status}, expected ${target.ok.join('/')}: ${body.slice(0, 300)}`);
  }
  if (res.status === 200 && !(res.headers.get('content-type') ?? '').startsWith('application/json')) {
    throw new Error(`${target.label}: ${target.url} answered ${res.headers.get('content-type')}, expected application/json`);
  }
  const problem = target.verify?.({ body, headers: res.headers });
  if (problem) throw new Error(`${target.label}: ${target.url}: ${problem}`);
  return ms;
}
