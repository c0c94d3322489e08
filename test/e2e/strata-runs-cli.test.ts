import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createOrg } from '../identity/session-helpers';

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
    const upload = await strata(['workspace', 'upload', '--org', 'acme', '--workspace', 'app', await configurationDir()]);
    expect(upload.code).toBe(0);
    expect(upload.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    expect(upload.stderr).toMatch(/Uploaded 1 file /);

    const unknownWs = await strata(['run', 'start', '--org', 'acme', '--workspace', 'nope']);
    expect(unknownWs.code).toBe(1);
    expect(unknownWs.stderr).toContain('[workspace_not_found, HTTP 404]');

    const unknownRun = await strata(['run', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toContain('[run_not_found, HTTP 404]');

    const bothOps = await strata(['run', 'start', '--org', 'acme', '--workspace', 'app', '--plan-only', '--destroy']);
    expect(bothOps.code).toBe(2);

    const twice = await strata(['workspace', 'create', '--org', 'acme', '--name', 'app']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('[workspace_exists, HTTP 409]');
  });
});
