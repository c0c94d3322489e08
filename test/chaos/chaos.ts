import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb, type Db } from '../../core/db/knex';
import { findProcesses, isAlive } from '../../core/embedded/processes';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../core/embedded/postgres';
import { startTemporalDevServer, type DevServerHandle } from '../../temporal/dev-server';
import { generateTestSigningKey, writeProviderRelease } from '../fixtures/provider-release';
import { freePort } from '../harness/ports';
import { buildProduction, eventually } from '../harness/production';
import { Cluster, moduleArchive, sha256 } from '../production/cluster';
import { moduleFiles } from '../vcs/helpers';
import { GitHubStandIn } from '../vcs/stand-ins/github';

/**
 * Chaos as a test: the production topology from the compiled build (one API, two workers) on a PostgreSQL and a
 * Temporal dev server of its own, all on loopback. Each injection starts publishes (modules; every third time a
 * provider; every third time a VCS tag pushed to the GitHub stand-in, published through its webhook), SIGKILLs one process chosen by a seeded generator (a worker, the API, Temporal or
 * PostgreSQL) after a seeded delay, restarts it and waits until the platform is ready. At the end, after every
 * accepted workflow has closed, it checks the invariants (see ChaosSummary). Repeatable: one seed, one sequence.
 */
export interface ChaosOptions {
  seed: number;
  injections: number;
  log?: (line: string) => void;
}

export type Target = 'worker' | 'api' | 'temporal' | 'postgres';

export interface ChaosSummary {
  seed: number;
  injections: Record<Target, number>;
  /** Publishes answered 2xx (webhook deliveries included), in all and by kind. */
  accepted: number;
  acceptedByKind: Record<'module' | 'provider' | 'vcs', number>;
  /** Accepted publishes whose version is in the catalogue exactly once, with the uploaded bytes. */
  landed: number;
  /** Accepted publishes missing from the catalogue. */
  lost: number;
  /** What became of each lost publish: its workflow's status and failure, for the failure message. */
  lostDetails: string[];
  /** Versions listed more than once, or recorded more than once. */
  duplicated: number;
  /** Versions (accepted or not) listed by the protocol whose download fails or serves other bytes. */
  halfPublished: number;
  /** Blob files no catalogue row refers to. */
  orphans: number;
  /** Their storage keys (at most 10), for the failure message. */
  orphanKeys: string[];
  /** Staged uploads and partial writes left after every workflow closed (the sweep removes them by age). */
  stagingLeft: number;
  /** Publishes refused (5xx, connection cut by a kill, no answer in 45 s): not accepted, so not owed. */
  refused: number;
  /** The refusals by answer: `503`, `error` (connection reset or refused), `timeout`, or another status. */
  refusedBy: Record<string, number>;
  /** Processes that died without being chosen (restarted by the harness like the chosen one). */
  collateralExits: number;
  recoveryMs: { max: number; median: number };
  durationMs: number;
}

/** mulberry32: a small seeded generator, so CHAOS_SEED replays the same choices and delays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the promise's value, or `null` after `ms` (the request is left to finish on its own). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)))]).finally(() => clearTimeout(timer));
}

interface Attempt {
  kind: 'module' | 'provider' | 'vcs';
  version: string;
  /** For a VCS tag: the commit it was pushed at. */
  commit?: string;
  /** sha256 per downloadable file: the module archive, or each platform zip (`os_arch`). */
  expected: Record<string, string>;
  status: number | 'error' | 'timeout';
  workflowId: string | null;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const log = options.log ?? (() => undefined);
  const random = rng(options.seed);
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'strata-chaos-'));
  await chmod(work, 0o755);
  const build = await buildProduction();
  const pgDir = join(work, 'pg');
  const pgPort = await freePort();
  const temporalPorts = { port: await freePort(), uiPort: await freePort() };
  const temporalDb = join(work, 'temporal.sqlite');
  let pgHandle: EmbeddedPostgresHandle | null = null;
  let temporalHandle: DevServerHandle | null = null;
  let cluster: Cluster | null = null;
  let db: Db | null = null;
  let temporal: Client | null = null;
  let github: GitHubStandIn | null = null;

  // A killed postmaster's backends may hold its shared memory for a moment: PostgreSQL refuses to start until they are gone.
  const startPostgres = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (pgHandle = await startEmbeddedPostgres({ dir: pgDir, port: pgPort, database: 'strata' }));
      } catch (err) {
        if (attempt >= 10 || !/pre-existing shared memory block/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  };
  const startTemporal = async () => (temporalHandle = await startTemporalDevServer({ dbFile: temporalDb, ...temporalPorts }));
  const postgresPid = async () => Number((await readFile(join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const temporalPid = () =>
    findProcesses((argv) => argv.includes('start-dev') && argv.some((a, i) => argv[i - 1] === '--port' && a === String(temporalPorts.port)))[0]?.pid;

  const injections: Record<Target, number> = { worker: 0, api: 0, temporal: 0, postgres: 0 };
  const recoveries: number[] = [];
  const attempts: Attempt[] = [];
  const inFlight: Promise<void>[] = [];
  const workerStarts = new Map<number, Promise<unknown>>();
  let collateralExits = 0;
  try {
    await startPostgres();
    await startTemporal();
    const namespace = 'default';
    cluster = new Cluster({ dist: build.dir, databaseUrl: pgHandle!.url, temporalAddress: temporalHandle!.address, namespace });
    await cluster.init();
    await cluster.migrate();
    db = createDb(pgHandle!.adminUrl, { poolMax: 2 });
    await Promise.all([cluster.startWorker(0), cluster.startWorker(1), cluster.startApi(0)]);
    const c = cluster;
    github = await new GitHubStandIn().start();
    const gh = github;
    const REPO = 'acme/chaos-infra';
    gh.git.repository(REPO);
    const call = () => c.call(0);

    // Provider publishes need the namespace's signing key and small release files of their own.
    const key = await generateTestSigningKey();
    const added = await call()('/api/v1/namespaces/acme/gpg-keys', {
      method: 'POST',
      body: JSON.stringify({ asciiArmor: key.publicArmored }),
      headers: { 'content-type': 'application/json' },
    });
    if (added.status !== 201) throw new Error(`adding the signing key: ${added.status} ${added.body.toString()}`);

    // A module linked to a repository on the GitHub stand-in: a pushed tag is published through the webhook.
    const connection = await call()('/api/v1/vcs/connections', {
      method: 'POST',
      body: JSON.stringify({ kind: 'github', name: 'stand-in', baseUrl: gh.url, token: 'ghp_validtoken' }),
      headers: { 'content-type': 'application/json' },
    });
    if (connection.status !== 201) throw new Error(`creating the VCS connection: ${connection.status} ${connection.body.toString()}`);
    const linked = await call()('/api/v1/modules/acme/vcschaos/aws/vcs', {
      method: 'POST',
      body: JSON.stringify({ connectionId: connection.json().id, repository: REPO }),
      headers: { 'content-type': 'application/json' },
    });
    if (linked.status !== 201) throw new Error(`linking the module: ${linked.status} ${linked.body.toString()}`);
    await eventually(async () => gh.hooks.length > 0, 60_000, 'the webhook installed on the stand-in');

    const pushTag = async (version: string): Promise<void> => {
      const commit = gh.git.commit(REPO, moduleFiles(`chaos ${version}`));
      const attempt: Attempt = { kind: 'vcs', version, commit, expected: {}, status: 'error', workflowId: null };
      attempts.push(attempt);
      try {
        const sent = await within(gh.pushTag(REPO, `v${version}`, commit), 45_000);
        attempt.status = sent?.[0]?.status ?? (sent ? 'error' : 'timeout');
      } catch {
        attempt.status = 'error';
      }
    };

    const publishModule = async (version: string): Promise<void> => {
      const body = await moduleArchive(work, 'chaos', version, 64 * 1024);
      const attempt: Attempt = { kind: 'module', version, expected: { archive: sha256(body) }, status: 'error', workflowId: null };
      attempts.push(attempt);
      try {
        const res = await within(c.publishModule(0, `acme/chaos/aws/${version}`, body, false), 45_000);
        attempt.status = res ? res.status : 'timeout';
        if (res?.status === 202) attempt.workflowId = res.json().workflowId;
      } catch {
        attempt.status = 'error';
      }
    };
    const publishProvider = async (version: string): Promise<void> => {
      const dir = join(work, `provider-${version}`);
      const binaries = [];
      for (const [os, arch] of [['linux', 'amd64'], ['darwin', 'arm64']] as const) {
        const path = join(dir, `bin-${os}-${arch}`);
        await (await import('node:fs/promises')).mkdir(dir, { recursive: true });
        await writeFile(path, randomBytes(32 * 1024));
        binaries.push({ os, arch, path });
      }
      const release = await writeProviderRelease({ dir: join(dir, 'dist'), type: 'chaos', version, binaries, key });
      const expected = Object.fromEntries(release.platforms.map((p) => [`${p.os}_${p.arch}`, p.sha256]));
      const attempt: Attempt = { kind: 'provider', version, expected, status: 'error', workflowId: null };
      attempts.push(attempt);
      const form = new FormData();
      for (const file of release.files) form.append('file', new Blob([new Uint8Array(await readFile(file))]), basename(file));
      try {
        const res = await within(call()(`/api/v1/providers/acme/chaos/${version}`, { method: 'POST', body: form }), 45_000);
        attempt.status = res ? res.status : 'timeout';
        if (res?.status === 202) attempt.workflowId = res.json().workflowId;
      } catch {
        attempt.status = 'error';
      }
    };

    const ready = async () => {
      const res = await call()('/readyz', { token: null });
      // Not ready: the answer is kept as the last error, so a failure says which dependency did not come back.
      if (res.status !== 200) throw new Error(`readyz ${res.status} ${res.body.toString().slice(0, 300)}`);
      return true;
    };
    /** Restarts whatever is not running (the chosen process, and any that died with it). */
    const supervise = async (chosen: string) => {
      const restarts: Promise<unknown>[] = [];
      const pgPid = await postgresPid().catch(() => 0);
      if (!pgPid || !isAlive(pgPid)) {
        if (chosen !== 'postgres') collateralExits++;
        restarts.push(startPostgres());
      }
      if (!temporalPid()) {
        if (chosen !== 'temporal') collateralExits++;
        restarts.push(startTemporal());
      }
      await Promise.all(restarts);
      const processes: Promise<unknown>[] = [];
      c.workers.forEach((w, i) => {
        if (w.running || workerStarts.has(i)) return;
        if (chosen !== `worker ${i}`) collateralExits++;
        // A worker takes seconds to start on a busy machine; while the other one serves, the platform is ready
        // and the next injection goes on (one that picks this worker waits for it first).
        const start = c.startWorker(i).finally(() => workerStarts.delete(i));
        start.catch(() => undefined); // awaited later; a failure surfaces there
        workerStarts.set(i, start);
        if (!c.workers.some((other, j) => j !== i && other.running && !workerStarts.has(j))) processes.push(start);
      });
      if (!c.apis[0]!.process.running) {
        if (chosen !== 'api') collateralExits++;
        processes.push(c.startApi(0));
      }
      await Promise.all(processes);
    };

    for (let i = 0; i < options.injections; i++) {
      const pick = random();
      const target: Target = pick < 0.35 ? 'worker' : pick < 0.6 ? 'api' : pick < 0.8 ? 'temporal' : 'postgres';
      const workerIndex = random() < 0.5 ? 0 : 1;
      const delay = Math.floor(random() * 700);
      // Publishes are not awaited here: one cut off by a kill (Temporal down answers after its retries, ~20 s)
      // runs on while the next injections happen.
      inFlight.push(publishModule(`1.${i}.0`), publishModule(`1.${i}.1`));
      if (i % 3 === 0) inFlight.push(publishProvider(`1.${i}.0`));
      if (i % 3 === 1) inFlight.push(pushTag(`1.${i}.0`));
      await sleep(delay);
      injections[target]++;
      const chosen = target === 'worker' ? `worker ${workerIndex}` : target;
      // Only a process that is up can be killed: a worker still starting from an earlier injection is waited for.
      if (target === 'worker') await workerStarts.get(workerIndex);
      const killedAt = Date.now();
      if (target === 'worker') {
        const w = c.workers[workerIndex]!;
        w.child.kill('SIGKILL');
        await w.exited;
      } else if (target === 'api') {
        c.apis[0]!.process.child.kill('SIGKILL');
        await c.apis[0]!.process.exited;
      } else if (target === 'postgres') {
        const pid = await postgresPid();
        process.kill(pid, 'SIGKILL');
        await eventually(async () => !isAlive(pid), 10_000, 'PostgreSQL gone');
      } else {
        const pid = temporalPid();
        if (pid) {
          process.kill(pid, 'SIGKILL');
          await eventually(async () => !isAlive(pid), 10_000, 'Temporal gone');
        }
      }
      await supervise(chosen);
      await eventually(ready, 60_000, `ready after killing ${chosen}`, 100).catch((err: Error) => {
        throw new Error(`${err.message}\nAPI output:\n${c.apis[0]!.process.output.slice(-3000)}`);
      });
      // Collateral: a worker that lost its server may exit a moment later; check once more before moving on.
      await supervise(chosen);
      const recovery = Date.now() - killedAt;
      recoveries.push(recovery);
      if (recovery > 60_000) throw new Error(`not ready within 60 s after killing ${chosen} (${recovery} ms)`);
      log(`chaos: injection ${i + 1}/${options.injections}: killed ${chosen} after ${delay} ms, ready after ${recovery} ms`);
    }

    await Promise.all([...inFlight, ...workerStarts.values()]);
    // Every accepted publish has a workflow; wait until each one has closed (activities of a killed worker
    // are retried after their time-out, up to ~60 s).
    temporal = new Client({ connection: await Connection.connect({ address: temporalHandle!.address }), namespace });
    const t = temporal;
    const ids = attempts.flatMap((a) => (a.workflowId ? [a.workflowId] : []));
    await eventually(
      async () => {
        const open = await Promise.all(ids.map(async (id) => (await t.workflow.getHandle(id).describe()).status.name === 'RUNNING'));
        // Webhook deliveries start their workflows without handing the ID back: none may be left running either.
        for await (const w of t.workflow.list({ query: 'ExecutionStatus = "Running"' })) if (!w.workflowId.startsWith('temporal-sys')) open.push(true);
        return open.every((o) => !o);
      },
      240_000,
      'every accepted publish workflow closed',
      1000,
    );

    // Invariants, read through the protocol (what clients see) and the database.
    const accepted = attempts.filter((a) => typeof a.status === 'number' && a.status >= 200 && a.status < 300);
    const refused = attempts.length - accepted.length;
    const allModuleRows = (await db('module_versions as v')
      .join('modules as m', 'm.id', 'v.module_id')
      .select('m.name', 'v.version', 'v.blob_key', 'v.sha256', 'v.commit_sha')) as { name: string; version: string; blob_key: string; sha256: string; commit_sha: string | null }[];
    const moduleRows = allModuleRows.filter((r) => r.name === 'chaos');
    const vcsRows = allModuleRows.filter((r) => r.name === 'vcschaos');
    const providerRows = (await db('provider_versions as v').join('providers as p', 'p.id', 'v.provider_id').where('p.type', 'chaos').select('v.version')) as { version: string }[];
    const count = (rows: { version: string }[], v: string) => rows.filter((r) => r.version === v).length;
    const listed = async (path: string): Promise<string[]> => {
      const res = await call()(path, { token: null });
      if (res.status !== 200) return [];
      const body = res.json();
      return ((body.modules ? body.modules[0].versions : body.versions) as { version: string }[]).map((v) => v.version);
    };
    const listedModules = await listed('/v1/modules/acme/chaos/aws/versions');
    const listedProviders = await listed('/v1/providers/acme/chaos/versions');
    const listedVcs = await listed('/v1/modules/acme/vcschaos/aws/versions');
    const download = async (a: Attempt): Promise<Record<string, string> | null> => {
      if (a.kind === 'vcs') {
        const bytes = await c.downloadModule(0, `acme/vcschaos/aws/${a.version}`);
        return bytes ? { archive: sha256(bytes) } : null;
      }
      if (a.kind === 'module') {
        const bytes = await c.downloadModule(0, `acme/chaos/aws/${a.version}`);
        return bytes ? { archive: sha256(bytes) } : null;
      }
      const out: Record<string, string> = {};
      for (const platform of Object.keys(a.expected)) {
        const [os, arch] = platform.split('_');
        const res = await call()(`/v1/providers/acme/chaos/${a.version}/download/${os}/${arch}`, { token: null });
        if (res.status !== 200) return null;
        const zip = await call()(res.json().download_url, { token: null });
        if (zip.status !== 200) return null;
        out[platform] = createHash('sha256').update(zip.body).digest('hex');
      }
      return out;
    };
    let landed = 0;
    let lost = 0;
    const lostDetails: string[] = [];
    const describeLost = async (a: Attempt): Promise<string> => {
      const what = `${a.kind} ${a.version} (HTTP ${a.status})`;
      if (!a.workflowId) return `${what}: no workflow id (a webhook delivery)`;
      try {
        const handle = t.workflow.getHandle(a.workflowId);
        const status = (await handle.describe()).status.name;
        const failure = await handle.result().then(() => 'completed', (err: Error) => `${err.message}${err.cause ? ` ← ${(err.cause as Error).message}` : ''}`);
        return `${what}: ${a.workflowId} ${status}: ${failure}`;
      } catch (err) {
        return `${what}: ${a.workflowId} not describable: ${(err as Error).message}`;
      }
    };
    let duplicated = 0;
    let halfPublished = 0;
    for (const a of attempts) {
      // A tag's archive is made by the repository host: the recorded hash and commit are what it must match.
      if (a.kind === 'vcs') {
        const row = vcsRows.find((r) => r.version === a.version);
        a.expected = row && row.commit_sha === a.commit ? { archive: row.sha256 } : { archive: 'commit mismatch' };
      }
      const rows = count(a.kind === 'module' ? moduleRows : a.kind === 'vcs' ? vcsRows : providerRows, a.version);
      const inList = (a.kind === 'module' ? listedModules : a.kind === 'vcs' ? listedVcs : listedProviders).filter((v) => v === a.version).length;
      if (rows > 1 || inList > 1) duplicated++;
      const isAccepted = accepted.includes(a);
      if (inList || rows) {
        const got = await download(a);
        const right = got !== null && JSON.stringify(got) === JSON.stringify(a.expected);
        if (!right || inList !== rows) halfPublished++;
        if (isAccepted && right && rows === 1) landed++;
      } else if (isAccepted) {
        lost++;
        lostDetails.push(await describeLost(a));
      }
    }
    const blobsDir = join(cluster.dataDir, 'blobs');
    const referenced = new Set<string>([
      ...allModuleRows.map((r) => r.blob_key),
      ...((await db('provider_platforms').select('blob_key')) as { blob_key: string }[]).map((r) => r.blob_key),
      ...((await db('provider_versions').select('shasums_key', 'signature_key')) as { shasums_key: string; signature_key: string }[]).flatMap((r) => [r.shasums_key, r.signature_key]),
    ]);
    const files = (await filesUnder(blobsDir)).map((f) => relative(blobsDir, f));
    // Staged uploads and partial writes no key can name are swept by age; anything else must be referenced.
    const swept = (f: string) => f.startsWith('staging/') || f.startsWith('.partial/');
    const orphanFiles = files.filter((f) => !swept(f) && !referenced.has(f));
    const stagingLeft = files.filter(swept).length;
    const sorted = [...recoveries].sort((x, y) => x - y);
    return {
      seed: options.seed,
      injections,
      accepted: accepted.length,
      acceptedByKind: {
        module: accepted.filter((a) => a.kind === 'module').length,
        provider: accepted.filter((a) => a.kind === 'provider').length,
        vcs: accepted.filter((a) => a.kind === 'vcs').length,
      },
      landed,
      lost,
      lostDetails,
      duplicated,
      halfPublished,
      orphans: orphanFiles.length,
      orphanKeys: orphanFiles.slice(0, 10),
      stagingLeft,
      refused,
      refusedBy: attempts
        .filter((a) => !accepted.includes(a))
        .reduce<Record<string, number>>((m, a) => ({ ...m, [`${a.kind}:${a.status}`]: (m[`${a.kind}:${a.status}`] ?? 0) + 1 }), {}),
      collateralExits,
      recoveryMs: { max: sorted.at(-1) ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0 },
      durationMs: Date.now() - started,
    };
  } finally {
    await temporal?.connection.close().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    await (github as GitHubStandIn | null)?.close().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    await (temporalHandle as DevServerHandle | null)?.stop().catch(() => undefined);
    await (pgHandle as EmbeddedPostgresHandle | null)?.stop().catch(() => undefined);
    await build.remove();
    await rm(work, { recursive: true, force: true });
  }
}

export function summaryLine(s: ChaosSummary): string {
  const inj = Object.entries(s.injections).map(([k, v]) => `${k}=${v}`).join(' ');
  const total = Object.values(s.injections).reduce((a, b) => a + b, 0);
  return (
    `chaos: seed=${s.seed} injections=${total} (${inj}) accepted=${s.accepted} (module=${s.acceptedByKind.module} provider=${s.acceptedByKind.provider} vcs=${s.acceptedByKind.vcs}) landed=${s.landed} lost=${s.lost} ` +
    `dup=${s.duplicated} halfPublished=${s.halfPublished} orphans=${s.orphans} stagingLeft=${s.stagingLeft} refused=${s.refused} ${JSON.stringify(s.refusedBy)} ` +
    `collateralExits=${s.collateralExits} recovery max=${(s.recoveryMs.max / 1000).toFixed(1)}s median=${(s.recoveryMs.median / 1000).toFixed(1)}s ` +
    `duration=${(s.durationMs / 1000).toFixed(0)}s` +
    (s.lostDetails.length ? `\nlost: ${s.lostDetails.join('\n      ')}` : '')
  );
}
