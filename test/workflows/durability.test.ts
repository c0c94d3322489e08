import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { startWorkerWith } from '../harness/workers';

// Durability: a worker that dies mid-workflow, or an activity that dies after committing, loses nothing and
// duplicates nothing once work resumes. Real Temporal server, real PostgreSQL, the real activities.

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-durable-'));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const workerWith = (wrap: Parameters<typeof startWorkerWith>[1]) => startWorkerWith(platform, wrap);

async function waitForStatus(statusUrl: string, want: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await call(statusUrl)).json();
    if (status.status === want || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function versionRows(name: string) {
  return platform.db('module_versions').join('modules', 'modules.id', 'module_versions.module_id').where('modules.name', name).select('module_versions.*');
}

describe('module publish durability', () => {
  it('a worker killed during the archive inspection: the publish resumes on a new worker and lands exactly once', async () => {
    await platform.stopWorker();
    let entered!: () => void;
    const inspecting = new Promise<void>((r) => (entered = r));
    const doomed = await workerWith(() => ({
      // Starts the real work, then hangs until the worker is shut down under it (as a killed process would).
      prepareModuleArchive: async () => {
        entered();
        await Context.current().cancelled;
        throw new Error('unreachable');
      },
    }));
    const { bytes } = await writeDemoModule(work, '1.0.0');
    const res = await call('/api/v1/modules/acme/durable/aws/1.0.0', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status).toBe(202);
    await inspecting;
    await doomed.stop();
    expect((await call(res.json().statusUrl)).json().status).toBe('running');
    expect(await versionRows('durable')).toHaveLength(0);

    await platform.startWorker();
    const status = await waitForStatus(res.json().statusUrl, 'completed', 60_000);
    expect(status.status).toBe('completed');
    expect(await versionRows('durable')).toHaveLength(1);
  }, 90_000);

  it('an activity that dies after committing the version row is retried without duplicating it', async () => {
    await platform.stopWorker();
    let attempts = 0;
    const flaky = await workerWith((real) => ({
      recordModuleVersion: async (input) => {
        attempts++;
        const result = await real.recordModuleVersion(input);
        // The row is committed, but Temporal never hears back: the next attempt must recognise its own row.
        if (attempts === 1) throw new Error('simulated crash after commit');
        return result;
      },
    }));
    try {
      const { bytes } = await writeDemoModule(work, '2.0.0');
      const res = await call('/api/v1/modules/acme/durable/aws/2.0.0?wait=true', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
      expect(res.status, res.body.toString()).toBe(201);
      expect(attempts).toBe(2);
      expect((await versionRows('durable')).filter((v) => v.version === '2.0.0')).toHaveLength(1);
    } finally {
      await flaky.stop();
      await platform.startWorker();
    }
  }, 90_000);

  it('a double submit of the same version starts one workflow and publishes once', async () => {
    const { bytes } = await writeDemoModule(work, '3.0.0');
    const send = () => call('/api/v1/modules/acme/durable/aws/3.0.0?wait=true', { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    const results = await Promise.all([send(), send(), send()]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    expect((await versionRows('durable')).filter((v) => v.version === '3.0.0')).toHaveLength(1);
    expect((await platform.db('module_versions').count({ n: '*' }))[0]).toEqual({ n: '3' });
  });
});
