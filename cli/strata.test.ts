import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../test/harness/http';
import { startPlatform, type Platform } from '../test/harness/platform';
import { TEST_PROVIDER, generateTestSigningKey, providerBinaries, writeProviderRelease } from '../test/fixtures/provider-release';
import { packModule } from './pack/module-archive';

const BIN = fileURLToPath(new URL('./bin/strata.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real executable in a child process, the way a user or a CI job does. */
function strata(target: Pick<Platform, 'url' | 'token'>, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { STRATA_URL: target.url, STRATA_TOKEN: target.token, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-cli-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `module publish` arguments for acme/<name>/aws at `version`. */
const publish = (dir: string, name: string, version: string, ...extra: string[]) => [
  'module', 'publish', dir, '--namespace', 'acme', '--name', name, '--system', 'aws', '--version', version, ...extra,
];

async function moduleDir(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, 'modules', 'subnet'), { recursive: true });
  await mkdir(join(dir, '.terraform'), { recursive: true });
  await writeFile(join(dir, 'main.tf'), 'variable "cidr" {\n  type = string\n}\n\noutput "cidr" {\n  value = var.cidr\n}\n');
  await writeFile(join(dir, 'README.md'), '# vpc\n\nA test module.\n');
  await writeFile(join(dir, 'modules', 'subnet', 'main.tf'), 'variable "name" {}\n');
  await writeFile(join(dir, 'terraform.tfstate'), '{"secret": "must not be uploaded"}');
  await writeFile(join(dir, '.terraform', 'junk'), 'x');
  return dir;
}

describe('strata against a running platform', () => {
  let platform: Platform;
  let call: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    platform = await startPlatform();
    call = clientFor(platform);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('publishes a module directory, then refuses the same version again', async () => {
    const dir = await moduleDir('vpc');
    const run = await strata(platform, publish(dir, 'vpc', '1.0.0'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // The registry stored exactly the archive this tree packs to: same bytes, streamed intact.
    const local = createHash('sha256').update(await buffer((await packModule(dir)).archive)).digest('hex');
    expect(run.stdout).toContain('Published acme/vpc/aws 1.0.0');
    expect(run.stdout).toContain(`sha256  ${local}`);

    const versions = await call('/v1/modules/acme/vpc/aws/versions', { token: null });
    expect(versions.status).toBe(200);
    expect(versions.json().modules[0].versions).toEqual([{ version: '1.0.0' }]);

    const again = await strata(platform, publish(dir, 'vpc', '1.0.0'));
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/already published.*\[version_exists, HTTP 409\]/);
  });

  it('with --no-wait prints the workflow to follow, and --json the API answer', async () => {
    const dir = await moduleDir('network');
    const run = await strata(platform, publish(dir, 'network', '2.0.0', '--no-wait'));
    expect(run.code).toBe(0);
    const statusUrl = /status\s+(\S+)/.exec(run.stdout)?.[1];
    expect(run.stdout).toMatch(/workflow\s+\S+/);
    expect(statusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/workflows\//);
    let status = 'running';
    for (let i = 0; i < 120 && status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await call(statusUrl!)).json().status;
    }
    expect(status).toBe('completed');
    expect((await call('/v1/modules/acme/network/aws/versions', { token: null })).json().modules[0].versions).toEqual([{ version: '2.0.0' }]);

    const json = await strata(platform, publish(dir, 'network', '2.0.1', '--json'));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: '2.0.1', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('reports the API’s code for a rejected request, and usage errors with exit code 2', async () => {
    const dir = await moduleDir('bad');
    const badVersion = await strata(platform, publish(dir, 'bad', 'v1.0.0'));
    expect(badVersion.code).toBe(1);
    expect(badVersion.stderr).toContain('[invalid_version, HTTP 400]');

    const wrongToken = await strata(platform, ['token', 'list'], { STRATA_TOKEN: 'strata_not_a_token' });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toContain('[invalid_token, HTTP 401]');

    const missing = await strata(platform, ['module', 'publish', dir, '--namespace', 'acme']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --name');
  });

  it('adds a signing key and publishes a provider release from a goreleaser dist dir', { timeout: 600_000 }, async () => {
    const key = await generateTestSigningKey();
    const keyFile = join(work, 'signing-key.asc');
    await writeFile(keyFile, key.publicArmored);
    const added = await strata(platform, ['gpg-key', 'add', keyFile, '--namespace', TEST_PROVIDER.namespace]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(`Added key ${key.keyId}`);
    const listed = await strata(platform, ['gpg-key', 'list', '--namespace', TEST_PROVIDER.namespace], { STRATA_TOKEN: '' });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(key.keyId);

    const dist = join(work, 'dist');
    await writeProviderRelease({ dir: dist, type: TEST_PROVIDER.type, version: TEST_PROVIDER.version, binaries: await providerBinaries(), key });
    // goreleaser leaves more than the release in dist/; only the release files may be sent.
    await writeFile(join(dist, 'artifacts.json'), '[]');
    await writeFile(join(dist, 'config.yaml'), 'version: 2\n');
    const run = await strata(platform, ['provider', 'publish', dist, '--namespace', TEST_PROVIDER.namespace, '--protocols', '5.0']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Published ${TEST_PROVIDER.namespace}/${TEST_PROVIDER.type} ${TEST_PROVIDER.version}`);
    expect(run.stdout).toMatch(/platforms\s+.*linux_amd64/);
    expect(run.stdout).toMatch(/platforms\s+.*darwin_arm64/);

    const versions = await call(`/v1/providers/${TEST_PROVIDER.namespace}/${TEST_PROVIDER.type}/versions`, { token: null });
    expect(versions.status).toBe(200);
    const [published] = versions.json().versions;
    expect(published.version).toBe(TEST_PROVIDER.version);
    expect(published.protocols).toEqual(['5.0']);
    expect(published.platforms).toEqual(expect.arrayContaining(TEST_PROVIDER.platforms.map((p) => ({ ...p }))));
  });

  it('creates a token that works, lists it and revokes it', async () => {
    const created = await strata(platform, ['token', 'create', '--name', 'ci']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).not.toBe('');
    expect(created.stderr).toContain('will not be shown again');
    expect((await call('/api/v1/tokens', { token })).status).toBe(200);

    const listed = await strata({ url: platform.url, token }, ['token', 'list', '--json']);
    expect(listed.code).toBe(0);
    const ci = (JSON.parse(listed.stdout) as { items: { id: string; name: string }[] }).items.find((t) => t.name === 'ci');
    expect(ci).toBeDefined();

    const revoked = await strata(platform, ['token', 'revoke', ci!.id]);
    expect(revoked.code).toBe(0);
    expect((await call('/api/v1/tokens', { token })).status).toBe(401);
    const twice = await strata(platform, ['token', 'revoke', ci!.id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('[not_found, HTTP 404]');
  });
});

describe('strata over HTTPS with a private CA', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ tls: true });
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('trusts the CA given in NODE_EXTRA_CA_CERTS, and says so when it is missing', async () => {
    const untrusted = await strata(platform, ['token', 'list']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');

    const trusted = await strata(platform, ['token', 'list'], { NODE_EXTRA_CA_CERTS: platform.certificates!.caFile });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/^ID\s+NAME/);
  });
});
