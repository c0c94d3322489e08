import pg from 'pg';
import { percentile } from './publish-latency';
import { BASELINE_STATE_PATH, benchStateFile } from './state-file';

export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
}

export interface StateBackendLatency {
  stateBytes: number;
  get: { strata: LatencySummary; baseline: LatencySummary; p50Ratio: number; p99Ratio: number };
  post: { strata: LatencySummary; baseline: LatencySummary; p50Ratio: number; p99Ratio: number };
}

const WORKSPACE = 'bench-state';
const ROUNDS = 5;
const PER_ROUND = 20;

/**
 * Bench-only seeding: a workspace of the default organisation, inserted with SQL (the state backend needs one;
 * how workspaces are made is not what this measures).
 */
async function seedWorkspace(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const inserted = await client.query(
      `insert into workspaces (org_id, name, engine, source, environment)
       select id, $1, 'tofu', '{"kind":"upload"}'::jsonb, 'development' from organizations where name = 'default'
       on conflict (org_id, name) do nothing`,
      [WORKSPACE],
    );
    if (inserted.rowCount !== 1) throw new Error('could not create the benchmark workspace in the default organisation');
  } finally {
    await client.end();
  }
}

async function timed(url: string, init: RequestInit, expected: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status}, expected ${expected}`);
  return ms;
}

const summary = (values: number[]): LatencySummary => {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

const compare = (strata: number[], baseline: number[]) => {
  const [s, b] = [summary(strata), summary(baseline)];
  return { strata: s, baseline: b, p50Ratio: s.p50 / b.p50, p99Ratio: s.p99 / b.p99 };
};

/**
 * Latency of the http state backend with a ~1 MB state, one request at a time as an engine sends them (GET the
 * state, POST a new serial), against the bare baseline server answering or reading the same bytes. Rounds
 * alternate between the two so that other work on the machine weighs on both alike. Every Strata POST stores a
 * new sealed version.
 */
export async function measureStateBackend(platform: { url: string; token: string; databaseUrl: string }, baselineUrl: string): Promise<StateBackendLatency> {
  await seedWorkspace(platform.databaseUrl);
  const stateUrl = `${platform.url}/api/v1/orgs/default/workspaces/${WORKSPACE}/state`;
  // As the http backend sends it: the token as the basic-auth password.
  const auth = { authorization: `Basic ${Buffer.from(`bench:${platform.token}`).toString('base64')}` };
  const jsonHeaders = { 'content-type': 'application/json' };
  const bodies = Array.from({ length: ROUNDS * PER_ROUND + 1 }, (_, i) => benchStateFile(i + 1));
  await timed(stateUrl, { method: 'POST', headers: { ...auth, ...jsonHeaders }, body: new Uint8Array(bodies[0]!) }, 201);

  const samples = { strataGet: [] as number[], baseGet: [] as number[], strataPost: [] as number[], basePost: [] as number[] };
  let next = 1;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) samples.baseGet.push(await timed(`${baselineUrl}${BASELINE_STATE_PATH}`, {}, 200));
    for (let i = 0; i < PER_ROUND; i++) samples.strataGet.push(await timed(stateUrl, { headers: auth }, 200));
    for (let i = 0; i < PER_ROUND; i++) {
      samples.basePost.push(await timed(`${baselineUrl}${BASELINE_STATE_PATH}`, { method: 'POST', headers: jsonHeaders, body: new Uint8Array(bodies[next]!) }, 200));
    }
    for (let i = 0; i < PER_ROUND; i++) {
      samples.strataPost.push(await timed(stateUrl, { method: 'POST', headers: { ...auth, ...jsonHeaders }, body: new Uint8Array(bodies[next++]!) }, 201));
    }
  }
  return {
    stateBytes: bodies[0]!.length,
    get: compare(samples.strataGet, samples.baseGet),
    post: compare(samples.strataPost, samples.basePost),
  };
}

/** One line per operation for the printed report. */
export function formatStateBackend(r: StateBackendLatency): string {
  const ms = (x: number) => x.toFixed(1);
  const line = (name: string, c: StateBackendLatency['get']) =>
    `  ${name}: p50 ${ms(c.strata.p50)} ms (${c.p50Ratio.toFixed(1)}× the baseline's ${ms(c.baseline.p50)} ms), ` +
    `p99 ${ms(c.strata.p99)} ms (${c.p99Ratio.toFixed(1)}× ${ms(c.baseline.p99)} ms), ${c.strata.samples} requests`;
  return [`http state backend, ${(r.stateBytes / 1024 / 1024).toFixed(2)} MB state, one request at a time vs bare node:http with the same bytes:`, line('GET ', r.get), line('POST', r.post)].join('\n');
}
