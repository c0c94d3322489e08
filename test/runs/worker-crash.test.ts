import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { configurationArchive, createWorkspace, startRun, uploadConfiguration, waitForRun } from './run-helpers';
import { startWorkerProcess } from './worker-process';

// The run workflow against a real worker process killed with SIGKILL: it never applies twice, never loses an
// approval, and never leaves the state locked.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let admin: string;
let tofu: string;
const ORG = 'crash-corp';

/** `echo` once per apply, then a pause long enough to kill the worker in the middle of the apply. */
const slowConfig = (marker: string, pauseSeconds: number) => ({
  'main.tf': `
resource "terraform_data" "slow" {
  input = "${marker}"
  provisioner "local-exec" {
    command = "echo applied >> ${marker} && sleep ${pauseSeconds}"
  }
}
`,
});

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  tofu = await tofuBinary();
  platform = await startPlatform({ tls: true, env: { STRATA_TOFU_BIN: tofu } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-crash-'));
  const a = await createUser(call, 'ops@crash.test');
  admin = await userToken(call, await signIn(call, a.email, a.password));
  await createOrg(call, admin, ORG);
  // Only the worker processes of the tests serve the task queue.
  await platform.stopWorker();
}, 300_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a worker killed mid-run', () => {
  it('during apply: the apply is never repeated, the run ends errored with the reason, the lock is released', async () => {
    const marker = join(work, 'mid-apply.log');
    await createWorkspace(call, admin, ORG, { name: 'mid-apply', environment: 'development', autoApply: true });
    expect((await uploadConfiguration(call, admin, ORG, 'mid-apply', await configurationArchive(slowConfig(marker, 60)))).status).toBe(201);
    const worker = await startWorkerProcess(platform, { STRATA_TOFU_BIN: tofu });
    const run = await startRun(call, admin, ORG, 'mid-apply', { operation: 'apply' });
    // The provisioner has run once and is pausing: the apply is under way.
    await until('the apply to start its provisioner', async () => (await lines(marker)).length === 1);
    await worker.kill();
    const replacement = await startWorkerProcess(platform, { STRATA_TOFU_BIN: tofu });
    try {
      const done = await waitForRun(call, admin, run.id, ['errored', 'applied'], 180_000);
      expect(done.status).toBe('errored');
      expect(done.error).toContain('interrupted');
      expect(await lines(marker)).toEqual(['applied']);
      expect((await call(`/api/v1/orgs/${ORG}/workspaces/mid-apply`, { token: admin })).json().locked).toBe(false);
      // The workspace takes the next run (nothing stuck): a speculative plan goes through.
      const next = await startRun(call, admin, ORG, 'mid-apply', { operation: 'plan' });
      expect((await waitForRun(call, admin, next.id, ['planned', 'planned_no_changes', 'errored'])).status).not.toBe('errored');
    } finally {
      await replacement.kill();
    }
  }, 360_000);

  it('while waiting for approval: the approval reaches the run on a new worker, which applies once', async () => {
    const marker = join(work, 'awaiting.log');
    await createWorkspace(call, admin, ORG, { name: 'awaiting', environment: 'production' });
    expect((await uploadConfiguration(call, admin, ORG, 'awaiting', await configurationArchive(slowConfig(marker, 0)))).status).toBe(201);
    const worker = await startWorkerProcess(platform, { STRATA_TOFU_BIN: tofu });
    const run = await startRun(call, admin, ORG, 'awaiting', { operation: 'apply' });
    await waitForRun(call, admin, run.id, ['awaiting_approval']);
    await worker.kill();
    const replacement = await startWorkerProcess(platform, { STRATA_TOFU_BIN: tofu });
    try {
      const approve = () => call(`/api/v1/runs/${run.id}/approve`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ comment: 'after the crash' }) });
      expect((await approve()).status).toBe(202);
      const done = await waitForRun(call, admin, run.id, ['applied', 'errored'], 180_000);
      expect(done.status, JSON.stringify(done)).toBe('applied');
      expect(await lines(marker)).toEqual(['applied']);
      expect((await approve()).status).toBe(409);
    } finally {
      await replacement.kill();
    }
  }, 360_000);
});
