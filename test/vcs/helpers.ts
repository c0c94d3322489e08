import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { clientFor, type TestResponse } from '../harness/http';
import type { Platform } from '../harness/platform';
import { runTerraformCli, writeConfig } from '../harness/terraform-cli';
import type { Files } from './stand-ins/git-model';

export type Call = ReturnType<typeof clientFor>;

/** A small real module as it sits in a repository at one commit (optionally under a subdirectory). */
export function moduleFiles(marker: string, subdirectory = ''): Files {
  const at = subdirectory ? `${subdirectory}/` : '';
  return {
    'README.md': `# Repository\n\nNot the module.\n`,
    [`${at}README.md`]: `# Network module\n\nBuilds the network (${marker}).\n`,
    [`${at}main.tf`]: `variable "name" {\n  type    = string\n  default = "world"\n}\n\noutput "greeting" {\n  value = "hello \${var.name} from ${marker}"\n}\n`,
    [`${at}modules/sub/main.tf`]: `output "sub" {\n  value = "sub ${marker}"\n}\n`,
  };
}

export const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

export function expectStatus(res: TestResponse, status: number): void {
  expect(res.status, res.body.toString()).toBe(status);
}

/** Polls until `check` returns a value (not undefined), or fails with the last state after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface VersionView {
  version: string;
  sha256: string;
  source: string;
  commitSha: string | null;
  repository: string | null;
}

export async function versions(call: Call, address: string): Promise<VersionView[]> {
  const res = await call(`/api/v1/modules/${address}`);
  return res.status === 200 ? (res.json().versions as VersionView[]) : [];
}

export function publishedVersion(call: Call, address: string, version: string, timeoutMs = 90_000): Promise<VersionView> {
  return eventually(async () => (await versions(call, address)).find((v) => v.version === version), timeoutMs, `${address} ${version}`);
}

/** Waits for a delivery log entry matching `match`, returning the whole list. */
export async function deliveryLog(call: Call, address: string, match: (d: { tag: string | null; result: string }) => boolean, timeoutMs = 90_000) {
  return eventually(async () => {
    const items = (await call(`/api/v1/modules/${address}/vcs/deliveries`)).json().items as { tag: string | null; result: string; detail: string | null; event: string }[];
    return items.some(match) ? items : undefined;
  }, timeoutMs, `a delivery of ${address}`);
}

/**
 * `tofu init` of a configuration that uses the module from the registry over HTTPS (service discovery included),
 * and the installed module's main.tf.
 */
export async function tofuInstall(input: { platform: Platform; tofu: string; dir: string; address: string; version: string }): Promise<string> {
  const host = new URL(input.platform.url).host;
  await writeConfig(input.dir, { 'main.tf': `module "net" {\n  source  = "${host}/${input.address}"\n  version = "${input.version}"\n}\n` });
  const run = await runTerraformCli({ bin: input.tofu, args: ['init', '-no-color'], cwd: input.dir, cliConfig: '# discovery\n', caFile: input.platform.certificates!.caFile });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const manifest = JSON.parse(await readFile(join(input.dir, '.terraform/modules/modules.json'), 'utf8')) as { Modules: { Key: string; Version: string; Dir: string }[] };
  const net = manifest.Modules.find((m) => m.Key === 'net')!;
  expect(net.Version).toBe(input.version);
  return readFile(join(input.dir, net.Dir, 'main.tf'), 'utf8');
}

export async function createConnection(call: Call, body: Record<string, unknown>) {
  const res = await call('/api/v1/vcs/connections', { method: 'POST', ...json(body) });
  expectStatus(res, 201);
  return res.json() as { id: string; status: string; identity: string | null; statusReason: string | null };
}

export async function linkModule(call: Call, address: string, body: Record<string, unknown>) {
  const res = await call(`/api/v1/modules/${address}/vcs`, { method: 'POST', ...json(body) });
  expectStatus(res, 201);
  return res.json() as { id: string; webhookUrl: string; webhookSecret: string; webhookUsername?: string; setup: { workflowId: string; statusUrl: string } };
}

/** Waits for a workflow (by its status URL) to finish, returning its status document. */
export async function finished(call: Call, statusUrl: string, timeoutMs = 90_000) {
  return eventually(async () => {
    const s = (await call(statusUrl)).json() as { status: string; result?: unknown; error?: unknown };
    return s.status === 'running' ? undefined : s;
  }, timeoutMs, statusUrl);
}
