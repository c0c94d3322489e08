import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, Client } from '@temporalio/client';
import Long from 'long';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb, migrateLatest, type Db } from '../../core/db/knex';
import { buildProduction, eventually } from '../harness/production';
import { Cluster, moduleArchive, sha256 } from './cluster';

// The production topology on this machine, from the compiled build (`npm run build`, run with plain node):
// two API processes and two workers sharing the run's PostgreSQL and Temporal dev server.

let build: Awaited<ReturnType<typeof buildProduction>>;
let cluster: Cluster;
let db: Db;
let temporal: Client;
let work: string;
let migrateOutput = '';

beforeAll(async () => {
  build = await buildProduction();
  work = await mkdtemp(join(tmpdir(), 'strata-topology-'));
  const adminUrl = inject('postgresUrl');
  const name = `strata_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const databaseUrl = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const namespace = `strata-prod-${randomBytes(6).toString('hex')}`;
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  temporal = new Client({ connection, namespace });
  cluster = new Cluster({ dist: build.dir, databaseUrl, temporalAddress: inject('temporalAddress'), namespace });
  await cluster.init();
  // The compiled migrations, as the one-shot migrate job runs them.
  migrateOutput = await cluster.migrate();
  db = createDb(databaseUrl, { poolMax: 2 });
  await Promise.all([cluster.startWorker(0), cluster.startWorker(1)]);
  await Promise.all([cluster.startApi(0), cluster.startApi(1)]);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await temporal?.connection.close();
  await db?.destroy();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('production topology: 2 APIs + 2 workers from the compiled build', () => {
  it('migrates with the compiled migrations under their source names, so the sources find nothing to apply', async () => {
    expect(migrateOutput).toMatch(/migrations applied/);
    const names = (await db('knex_migrations').select('name')).map((r: { name: string }) => r.name);
    expect(names.length).toBeGreaterThanOrEqual(3);
    for (const n of names) expect(n).toMatch(/^\d{14}_[a-z0-9_]+\.ts$/);
    expect(await migrateLatest(db)).toEqual([]);
  });

  it('runs the workers on the prebuilt workflow bundle, with no tsx in any process', async () => {
    for (const p of [...cluster.workers, ...cluster.apis.map((a) => a.process)]) {
      const argv = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
      expect(argv).toMatch(/\/(api|worker)\.mjs$/);
      expect(argv).not.toMatch(/tsx/);
    }
    for (const w of cluster.workers) expect(w.output).toContain(`"workflowBundle":"${join(build.dir, 'workflow-bundle.js')}"`);
  });

  it('shows a version published through API 1 on API 2 within a second (cache invalidation across processes)', async () => {
    const path = 'acme/topology/aws';
    const first = await moduleArchive(work, 'topology', '1.0.0');
    expect((await cluster.publishModule(0, `${path}/1.0.0`, first, true)).status).toBe(201);
    const versionsOn2 = async () => {
      const res = await cluster.call(1)(`/v1/modules/${path}/versions`, { token: null });
      return res.status === 200 ? (res.json().modules[0].versions as { version: string }[]).map((v) => v.version) : [];
    };
    await eventually(async () => (await versionsOn2()).includes('1.0.0'), 5000, 'API 2 lists 1.0.0');
    // API 2 now answers from its in-memory protocol cache.
    expect(await versionsOn2()).toEqual(['1.0.0']);

    const second = await moduleArchive(work, 'topology', '1.1.0');
    const published = await cluster.publishModule(0, `${path}/1.1.0`, second, true);
    expect(published.status, published.body.toString()).toBe(201);
    const acceptedAt = Date.now();
    await eventually(async () => (await versionsOn2()).includes('1.1.0'), 1000, 'API 2 lists 1.1.0 within 1 s of the 201 from API 1', 10);
    const visibleAfterMs = Date.now() - acceptedAt;
    console.log(`topology: a publish through API 1 was visible through API 2 after ${visibleAfterMs} ms`);
    expect(visibleAfterMs).toBeLessThan(1000);
    expect(sha256((await cluster.downloadModule(1, `${path}/1.1.0`))!)).toBe(sha256(second));
  });

  it('finishes every publish exactly once when a worker is SIGKILLed mid-publish', async () => {
    const path = 'acme/killed/aws';
    const versions: string[] = [];
    const archives = new Map<string, Buffer>();
    let ids: string[] = [];
    const byPid = new Map(cluster.workers.map((w) => [w.pid, w]));
    /** A worker running one of `ids`' activities now, or `done` once every one of them has closed. */
    const inFlight = async () => {
      const described = await Promise.all(ids.map(async (id) => ({ id, d: await temporal.workflow.getHandle(id).describe() })));
      for (const { id, d } of described) {
        for (const a of d.raw.pendingActivities ?? []) {
          const pid = Number(/^(\d+)@/.exec(a.lastWorkerIdentity ?? '')?.[1]);
          if (byPid.has(pid) && a.lastStartedTime) return { worker: byPid.get(pid)!, activity: a.activityType?.name, workflowId: id };
        }
      }
      return described.every(({ d }) => d.status.name !== 'RUNNING') ? ('done' as const) : null;
    };
    // Six publishes at a time, until a worker is caught running one of their activities: a batch the workers
    // finish between two looks is followed by another (each archive takes a few hundred ms to inspect).
    let victim: Exclude<Awaited<ReturnType<typeof inFlight>>, 'done' | null> | null = null;
    for (let batch = 0; !victim; batch++) {
      if (batch === 5) throw new Error('five batches of publishes finished without an activity ever seen in flight');
      const batchVersions = [0, 1, 2, 3, 4, 5].map((i) => `2.${batch}.${i}`);
      for (const v of batchVersions) archives.set(v, await moduleArchive(work, 'killed', v, 2 * 1024 * 1024));
      const accepted = await Promise.all(batchVersions.map((v) => cluster.publishModule(0, `${path}/${v}`, archives.get(v)!, false)));
      for (const res of accepted) expect(res.status, res.body.toString()).toBe(202);
      versions.push(...batchVersions);
      ids = accepted.map((r) => r.json().workflowId as string);
      const seen = await eventually(inFlight, 30_000, 'an activity in flight on one of the workers, or the batch done', 5);
      if (seen !== 'done') victim = seen;
    }
    // Kill that worker at once.
    victim.worker.child.kill('SIGKILL');
    await victim.worker.exited;
    const runningAtKill = (await Promise.all(ids.map(async (id) => (await temporal.workflow.getHandle(id).describe()).status.name))).filter((s) => s === 'RUNNING').length;
    const survivor = cluster.workers.find((w) => w !== victim.worker)!;
    expect(survivor.running).toBe(true);
    console.log(`topology: SIGKILLed ${victim.worker.name} during ${victim.activity} of ${victim.workflowId}; ${runningAtKill} of ${ids.length} publishes still running`);
    expect(runningAtKill).toBeGreaterThan(0);

    const started = Date.now();
    const results = await Promise.all(ids.map((id) => temporal.workflow.getHandle(id).result()));
    console.log(`topology: the surviving worker finished them ${Date.now() - started} ms after the kill`);
    expect(results).toHaveLength(ids.length);

    const rows = await db('module_versions as v').join('modules as m', 'm.id', 'v.module_id').where('m.name', 'killed').select('v.version');
    expect(rows.map((r: { version: string }) => r.version).sort()).toEqual([...versions].sort());
    for (const v of versions) expect(sha256((await cluster.downloadModule(1, `${path}/${v}`))!), v).toBe(sha256(archives.get(v)!));
    const staged = await readdir(join(cluster.dataDir, 'blobs', 'staging'), { recursive: true, withFileTypes: true }).catch(() => []);
    expect(staged.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
  }, 240_000);
});
