import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PROVIDER } from '../fixtures/provider-release';
import { writeDemoModule } from '../fixtures/modules';
import { publishTestProvider } from '../fixtures/publish';
import { terraformBinary, tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { MIRROR_ALIAS, startPlatform, type Platform } from '../harness/platform';
import { readLockHashes, runTerraformCli, writeConfig } from '../harness/terraform-cli';

// Real OpenTofu and Terraform binaries against the running platform over HTTPS (throw-away CA), through service
// discovery, the module and provider registry protocols, and the network mirror.

let platform: Platform;
let work: string;
let host: string;
let tofu: string;
let strataHashes: { os: string; arch: string; h1: string; sha256: string }[];
const { namespace, type } = TEST_PROVIDER;

beforeAll(async () => {
  [platform, tofu] = await Promise.all([startPlatform({ tls: true }), tofuBinary()]);
  host = new URL(platform.url).host;
  work = await mkdtemp(join(tmpdir(), 'strata-e2e-'));
  const call = clientFor(platform);

  for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
    const { bytes } = await writeDemoModule(work, v);
    const res = await call(`/api/v1/modules/acme/demo/aws/${v}?wait=true`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status, res.body.toString()).toBe(201);
  }

  strataHashes = await publishTestProvider(call, work);
}, 600_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const registryConfig = '# registry protocols through HTTPS service discovery\n';
const mirrorConfig = () => `provider_installation {\n  network_mirror {\n    url = "${platform.url}/v1/mirror/"\n  }\n}\n`;

async function cli(bin: string, dir: string, args: string[], cliConfig = registryConfig) {
  const run = await runTerraformCli({ bin, args, cwd: dir, cliConfig, caFile: platform.certificates!.caFile });
  expect(run.code, `${basename(bin)} ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const providerBlock = (origin = host) =>
  `terraform {\n  required_providers {\n    time = {\n      source  = "${origin}/${namespace}/${type}"\n      version = "~> 0.14"\n    }\n  }\n}\n`;

describe('tofu init against Strata', () => {
  it('installs a module by version constraint and a //subdir module, and applies it', async () => {
    const dir = join(work, 'modules');
    await writeConfig(dir, {
      'main.tf': `module "demo" {\n  source  = "${host}/acme/demo/aws"\n  version = "~> 1.0"\n  name    = "strata"\n}\n\nmodule "sub" {\n  source  = "${host}/acme/demo/aws//modules/sub"\n  version = "2.0.0"\n}\n\noutput "greeting" {\n  value = module.demo.greeting\n}\n\noutput "sub" {\n  value = module.sub.sub_version\n}\n`,
    });
    await cli(tofu, dir, ['init', '-no-color']);
    const manifest = JSON.parse(await readFile(join(dir, '.terraform/modules/modules.json'), 'utf8')) as { Modules: { Key: string; Version: string }[] };
    expect(manifest.Modules.find((m) => m.Key === 'demo')?.Version).toBe('1.1.0');
    expect(manifest.Modules.find((m) => m.Key === 'sub')?.Version).toBe('2.0.0');
    await cli(tofu, dir, ['apply', '-auto-approve', '-no-color']);
    const out = JSON.parse((await cli(tofu, dir, ['output', '-json'])).stdout) as Record<string, { value: string }>;
    expect(out.greeting?.value).toBe('hello strata from 1.1.0');
    expect(out.sub?.value).toBe('sub 2.0.0');
  });

  it('installs a signed provider from the registry with the lock file hashes Strata computed, and runs it', async () => {
    const dir = join(work, 'provider');
    await writeConfig(dir, { 'main.tf': `${providerBlock()}\nresource "time_static" "now" {}\n` });
    const init = await cli(tofu, dir, ['init', '-no-color']);
    expect(init.stdout).toMatch(/Installed .*time v0\.14\.2 \(signed, key ID [0-9A-F]{16}\)/);
    const hashes = (await readLockHashes(dir))[`${host}/${namespace}/${type}`];
    const linux = strataHashes.find((p) => p.os === 'linux' && p.arch === 'amd64')!;
    expect(hashes).toContain(linux.h1);
    for (const p of strataHashes) expect(hashes).toContain(`zh:${p.sha256}`);
    await cli(tofu, dir, ['apply', '-auto-approve', '-no-color']);
  });

  it('installs the same provider through the network mirror with the same h1 hash', async () => {
    // Clients cannot ask a mirror for a `host:port` origin, so the mirror also serves hosted providers under a
    // port-less alias (STRATA_MIRROR_HOSTNAMES); in mirror mode the origin host is never contacted.
    const dir = join(work, 'mirror');
    await writeConfig(dir, { 'main.tf': providerBlock(MIRROR_ALIAS) });
    const init = await cli(tofu, dir, ['init', '-no-color'], mirrorConfig());
    expect(init.stdout).toContain('Installed registry.strata.test/hashicorp/time v0.14.2');
    const hashes = (await readLockHashes(dir))[`${MIRROR_ALIAS}/${namespace}/${type}`];
    const linux = strataHashes.find((p) => p.os === 'linux' && p.arch === 'amd64')!;
    expect(hashes).toContain(linux.h1);
  });

  it('locks the provider for two platforms with `tofu providers lock`', async () => {
    const dir = join(work, 'lock');
    await writeConfig(dir, { 'main.tf': providerBlock() });
    await cli(tofu, dir, ['providers', 'lock', '-no-color', '-platform=linux_amd64', '-platform=darwin_arm64']);
    const hashes = (await readLockHashes(dir))[`${host}/${namespace}/${type}`];
    for (const p of strataHashes) {
      expect(hashes).toContain(p.h1);
      expect(hashes).toContain(`zh:${p.sha256}`);
    }
  });
});

describe('terraform init against Strata', () => {
  it('installs the module and the signed provider, from the registry and from the mirror', async () => {
    const terraform = await terraformBinary();
    const dir = join(work, 'terraform');
    await writeConfig(dir, {
      'main.tf': `${providerBlock()}\nmodule "demo" {\n  source  = "${host}/acme/demo/aws"\n  version = ">= 1.0.0, < 2.0.0"\n}\n\nresource "time_static" "now" {}\n`,
    });
    await cli(terraform, dir, ['init', '-no-color']);
    const linux = strataHashes.find((p) => p.os === 'linux' && p.arch === 'amd64')!;
    expect((await readLockHashes(dir))[`${host}/${namespace}/${type}`]).toContain(linux.h1);
    await cli(terraform, dir, ['apply', '-auto-approve', '-no-color']);

    const viaMirror = join(work, 'terraform-mirror');
    await writeConfig(viaMirror, { 'main.tf': providerBlock(MIRROR_ALIAS) });
    await cli(terraform, viaMirror, ['init', '-no-color'], mirrorConfig());
    expect((await readLockHashes(viaMirror))[`${MIRROR_ALIAS}/${namespace}/${type}`]).toContain(linux.h1);
  }, 600_000);
});
