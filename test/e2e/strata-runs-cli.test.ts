import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';

const BIN = fileURLToPath(new URL('../../cli/bin/strata.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let platform: Platform;
let work: string;

/** Runs the real `strata` executable in a child process, trusting the platform's test CA as a user would. */
function strata(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { STRATA_URL: platform.url, STRATA_TOKEN: platform.token, NODE_EXTRA_CA_CERTS: platform.certificates!.caFile, ...env },
        timeout: 240_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-runs-cli-'));
  platform = await startPlatform({ tls: true, env: { STRATA_TOFU_BIN: await tofuBinary() } });
  await createOrg(clientFor(platform), platform.token, 'acme');
});

let publisherTokenValue: string | undefined;
/** The token of dev@example.com, a publisher of acme (who may approve in development). */
async function publisherToken(): Promise<string> {
  publisherTokenValue ??= await memberToken('dev@example.com', 'publisher');
  return publisherTokenValue;
}

/** A personal API token of a new member of acme with `role`. */
async function memberToken(email: string, role: string): Promise<string> {
  const call = clientFor(platform);
  const user = await createUser(call, email);
  await addMember(call, platform.token, 'acme', email, role);
  return userToken(call, await signIn(call, email, user.password));
}
afterAll(async () => {
  await platform?.close();
  await rm(work, { recursive: true, force: true });
});

/** A configuration with a `terraform_data` resource (no provider to install) and an output, plus local junk. */
async function configurationDir(): Promise<string> {
  const dir = join(work, 'app');
  await mkdir(join(dir, '.terraform', 'providers'), { recursive: true });
  await writeFile(
    join(dir, 'main.tf'),
    [
      'variable "greeting" {\n  type = string\n}',
      'resource "terraform_data" "hello" {\n  input = "${var.greeting}, world"\n}',
      'output "message" {\n  value = terraform_data.hello.output\n}',
      '',
    ].join('\n\n'),
  );
  // Local leftovers that must never be uploaded: they would not even parse as configuration.
  await writeFile(join(dir, 'terraform.tfstate'), '{"secret": "local state"}');
  await writeFile(join(dir, '.terraform', 'providers', 'junk.tf'), 'this is not HCL {');
  return dir;
}

describe('strata workspace and run commands against a running platform', () => {
  it('creates an auto-applying workspace, sets a variable, starts a run from a directory and follows it to applied', { timeout: 600_000 }, async () => {
    const created = await strata(['workspace', 'create', '--org', 'acme', '--name', 'app', '--environment', 'development', '--auto-apply', '--tag', 'team=platform']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created workspace acme\/app \(id [0-9a-f-]{36}\)/);

    const vars = await strata(['workspace', 'vars', 'set', '--org', 'acme', '--workspace', 'app', 'greeting=hello']);
    expect(vars.stderr).toBe('');
    expect(vars.code).toBe(0);
    const secret = await strata(['workspace', 'vars', 'set', '--org', 'acme', '--workspace', 'app', '--env', '--sensitive', 'TF_LOG_EXTRA=s3cr3t-value']);
    expect(secret.code).toBe(0);

    const shown = await strata(['workspace', 'show', '--org', 'acme', '--name', 'app']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/auto-apply\s+yes/);
    expect(shown.stdout).toMatch(/greeting\s+terraform\s+hello/);
    // Setting the env variable kept the Terraform one; the sensitive value is never printed.
    expect(shown.stdout).toMatch(/TF_LOG_EXTRA\s+env\s+\(sensitive\)/);
    expect(shown.stdout).not.toContain('s3cr3t-value');

    const dir = await configurationDir();
    const run = await strata(['run', 'start', '--org', 'acme', '--workspace', 'app', '--dir', dir, '--follow']);
    const runId = /Queued apply run ([0-9a-f-]{36})/.exec(run.stderr)?.[1];
    expect(runId, run.stderr).toBeDefined();
    // The log lines of both phases, as the engine wrote them, then the summary.
    expect(run.stdout, `${run.stdout}\n${run.stderr}`).toMatch(/terraform_data\.hello will be created/);
    expect(run.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
    expect(run.stdout).toMatch(/status\s+applied/);
    expect(run.stdout).toMatch(/plan\s+1 to add, 0 to change, 0 to destroy/);
    expect(run.stdout).toContain('message = "hello, world"');
    expect(run.stderr).toContain(`run ${runId}: applied`);
    expect(run.code).toBe(0);

    const shownRun = await strata(['run', 'show', runId!, '--json']);
    expect(shownRun.code).toBe(0);
    expect(JSON.parse(shownRun.stdout)).toMatchObject({ id: runId, status: 'applied', trigger: 'cli', plan: { add: 1, change: 0, destroy: 0 } });

    const applyLog = await strata(['run', 'logs', runId!, '--phase', 'apply']);
    expect(applyLog.code).toBe(0);
    expect(applyLog.stdout).toMatch(/Apply complete!/);
    expect(applyLog.stdout).not.toMatch(/will be created/);

    // Following a finished run prints its whole log and exits at once.
    const followed = await strata(['run', 'logs', runId!, '--follow']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/will be created[\s\S]*Apply complete!/);

    const listed = await strata(['workspace', 'list', '--org', 'acme']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`app\\s+tofu\\s+development\\s+yes\\s+applied \\(apply, ${runId}\\)`));
  });

  it('uploads a directory on its own, and reports the API’s errors and usage errors clearly', { timeout: 120_000 }, async () => {
    expect((await strata(['workspace', 'create', '--org', 'acme', '--name', 'uploads'])).code).toBe(0);
    const upload = await strata(['workspace', 'upload', '--org', 'acme', '--workspace', 'uploads', await configurationDir()]);
    expect(upload.code).toBe(0);
    expect(upload.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(upload.stderr).toMatch(/Uploaded 1 file /);

    const unknownWs = await strata(['run', 'start', '--org', 'acme', '--workspace', 'nope']);
    expect(unknownWs.code).toBe(1);
    expect(unknownWs.stderr).toContain('[workspace_not_found, HTTP 404]');

    const unknownRun = await strata(['run', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toContain('[run_not_found, HTTP 404]');

    const bothOps = await strata(['run', 'start', '--org', 'acme', '--workspace', 'uploads', '--plan-only', '--destroy']);
    expect(bothOps.code).toBe(2);
    expect(bothOps.stderr).toContain('--plan-only and --destroy exclude each other');

    const twice = await strata(['workspace', 'create', '--org', 'acme', '--name', 'uploads']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('[workspace_exists, HTTP 409]');
  });

  it('waits for approval, refuses a non-approver, and a discard ends the follow with exit code 1', { timeout: 300_000 }, async () => {
    const publisher = await publisherToken();
    const reader = await memberToken('viewer@example.com', 'reader');
    expect((await strata(['workspace', 'create', '--org', 'acme', '--name', 'gated'])).code).toBe(0);
    expect((await strata(['workspace', 'vars', 'set', '--org', 'acme', '--workspace', 'gated', 'greeting=hi'])).code).toBe(0);
    const started = await strata(['run', 'start', '--org', 'acme', '--workspace', 'gated', '--dir', await configurationDir()]);
    expect(started.code, started.stderr).toBe(0);
    const runId = started.stdout.trim();
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.stderr).toContain(`strata run logs ${runId} --follow`);

    const follow = strata(['run', 'logs', runId, '--follow'], { STRATA_TOKEN: reader });
    let status = '';
    for (let i = 0; i < 240 && !['awaiting_approval', 'errored'].includes(status); i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = JSON.parse((await strata(['run', 'show', runId, '--json'])).stdout).status;
    }
    expect(status).toBe('awaiting_approval');
    const shown = await strata(['run', 'show', runId], { STRATA_TOKEN: publisher });
    expect(shown.stdout).toMatch(/approvals\s+0 of 1 \(you may approve\)/);

    const refused = await strata(['run', 'approve', runId], { STRATA_TOKEN: reader });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[not_an_approver, HTTP 403]');

    const discarded = await strata(['run', 'discard', runId, '--comment', 'not today'], { STRATA_TOKEN: publisher });
    expect(discarded.stderr).toBe('');
    expect(discarded.code).toBe(0);
    expect(discarded.stdout).toMatch(new RegExp(`^Discarded run ${runId} \\(1 to add, 0 to change, 0 to destroy\\)`));

    const followed = await follow;
    expect(followed.stdout).toMatch(/terraform_data\.hello will be created/);
    expect(followed.stderr).toContain(`run ${runId}: awaiting_approval`);
    expect(followed.stderr).toContain(`strata run approve ${runId}`);
    expect(followed.stderr).toContain(`strata: run ${runId} discarded`);
    expect(followed.code).toBe(1);

    const after = await strata(['run', 'show', runId]);
    expect(after.stdout).toMatch(/status\s+discarded/);
    expect(after.stdout).toMatch(/discarded\s+\S+ by dev@example\.com: not today/);
    const cancel = await strata(['run', 'cancel', runId]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain('[run_finished, HTTP 409]');
  });

  it('follows a run through approval to applied', { timeout: 300_000 }, async () => {
    const publisher = await publisherToken();
    expect((await strata(['workspace', 'create', '--org', 'acme', '--name', 'approved'])).code).toBe(0);
    expect((await strata(['workspace', 'vars', 'set', '--org', 'acme', '--workspace', 'approved', 'greeting=hey'])).code).toBe(0);
    const run = strata(['run', 'start', '--org', 'acme', '--workspace', 'approved', '--dir', await configurationDir(), '--follow']);
    let runId: string | undefined;
    for (let i = 0; i < 240 && !runId; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const listed = JSON.parse((await strata(['workspace', 'show', '--org', 'acme', '--name', 'approved', '--json'])).stdout);
      if (listed.latestRun?.status === 'awaiting_approval') runId = listed.latestRun.id;
    }
    expect(runId).toBeDefined();
    const approved = await strata(['run', 'approve', runId!, '--comment', 'ship it'], { STRATA_TOKEN: publisher });
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toMatch(new RegExp(`^Approved run ${runId}`));

    const followed = await run;
    expect(followed.stdout).toMatch(/will be created[\s\S]*Apply complete! Resources: 1 added/);
    expect(followed.stdout).toMatch(/approved\s+\S+ by dev@example\.com: ship it/);
    expect(followed.stdout).toContain('message = "hey, world"');
    expect(followed.code).toBe(0);
  });
});
