import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../core/registry/archive/test-archives';
import { generateTestSigningKey, writeProviderRelease } from '../fixtures/provider-release';
import { clientFor } from '../harness/http';
import { leftovers } from '../harness/leftovers';
import { startPlatform, type Platform } from '../harness/platform';

// Small stand-in executables keep these tests fast; the real provider binary is installed by real clients in
// test/e2e/tofu-registry.test.ts.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let key: Awaited<ReturnType<typeof generateTestSigningKey>>;
let stranger: Awaited<ReturnType<typeof generateTestSigningKey>>;
let binaries: { os: string; arch: string; path: string }[];
let releases = 0;

beforeAll(async () => {
  [platform, key, stranger] = await Promise.all([startPlatform(), generateTestSigningKey(), generateTestSigningKey()]);
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-provider-'));
  binaries = [];
  for (const [os, arch] of [['linux', 'amd64'], ['darwin', 'arm64']] as const) {
    const path = join(work, `bin-${os}-${arch}`);
    await writeFile(path, `#!/bin/sh\necho ${os} ${arch}\n`);
    await chmod(path, 0o755);
    binaries.push({ os, arch, path });
  }
  const added = await addKey('acme', key.publicArmored);
  expect(added.status, added.body.toString()).toBe(201);
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

function addKey(namespace: string, armor: string) {
  return call(`/api/v1/namespaces/${namespace}/gpg-keys`, {
    method: 'POST',
    body: JSON.stringify({ asciiArmor: armor }),
    headers: { 'content-type': 'application/json' },
  });
}

async function release(version: string, signer = key) {
  const dir = join(work, `release-${releases++}`);
  return { dir, ...(await writeProviderRelease({ dir, type: 'demo', version, binaries, key: signer })) };
}

async function upload(namespace: string, version: string, files: { name: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)]), f.name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return call(`/api/v1/providers/${namespace}/demo/${version}?wait=true`, { method: 'POST', body: form });
}

async function filesOf(paths: string[]) {
  return Promise.all(paths.map(async (p) => ({ name: basename(p), bytes: await readFile(p) })));
}

async function expectRejected(res: Awaited<ReturnType<typeof upload>>, status: number, code: string) {
  expect(res.status, res.body.toString()).toBe(status);
  expect(res.json().error.code).toBe(code);
  const left = await leftovers(platform);
  expect(left.staged).toEqual([]);
  expect(left.rows.providerVersions).toBe(0);
}

describe('provider upload rejects bad releases and leaves nothing behind', () => {
  it('a missing signature → 422 signature_missing', async () => {
    const r = await release('1.0.0');
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files.filter((f) => !f.endsWith('.sig')))), 422, 'signature_missing');
  });

  it('an armored signature → 422 signature_armored', async () => {
    const r = await release('1.0.0');
    const armored = await openpgp.sign({
      message: await openpgp.createMessage({ binary: new Uint8Array(await readFile(r.shasums)) }),
      signingKeys: key.privateKey,
      detached: true,
      format: 'armored',
    });
    await writeFile(r.signature, armored);
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files)), 422, 'signature_armored');
  });

  it('a signature by a key the namespace does not hold → 422 signature_invalid', async () => {
    const r = await release('1.0.0', stranger);
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files)), 422, 'signature_invalid');
  });

  it('a tampered SHA256SUMS → 422 signature_invalid', async () => {
    const r = await release('1.0.0');
    const sums = await readFile(r.shasums, 'utf8');
    await writeFile(r.shasums, sums.replace(/^[0-9a-f]/, (c) => (c === 'a' ? 'b' : 'a')));
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files)), 422, 'signature_invalid');
  });

  it('a zip whose sha256 is not the one in SHA256SUMS → 422 shasum_mismatch', async () => {
    const r = await release('1.0.0');
    const zip = r.platforms[0]!.zip;
    await writeZip(zip, [{ name: 'terraform-provider-demo_v1.0.0', content: 'other bytes', mode: 0o100755 }]);
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files)), 422, 'shasum_mismatch');
  });

  it('a zip not listed in SHA256SUMS → 422 shasums_missing_entry', async () => {
    const r = await release('1.0.0');
    const extra = join(r.dir, 'terraform-provider-demo_1.0.0_windows_amd64.zip');
    await writeZip(extra, [{ name: 'terraform-provider-demo_v1.0.0.exe', content: 'x' }]);
    await expectRejected(await upload('acme', '1.0.0', await filesOf([...r.files, extra])), 422, 'shasums_missing_entry');
  });

  it('a zip with the wrong layout → 422 provider_zip_layout', async () => {
    const dir = join(work, 'layout');
    const r = await writeProviderRelease({
      dir,
      type: 'demo',
      version: '1.0.0',
      binaries: [{ os: 'linux', arch: 'amd64', path: binaries[0]!.path }],
      key,
    });
    // Re-pack the zip with the executable in a subdirectory, and re-sign a matching SHA256SUMS.
    await writeZip(r.platforms[0]!.zip, [{ name: 'bin/terraform-provider-demo_v1.0.0', content: 'x', mode: 0o100755 }]);
    const sha = createHash('sha256').update(await readFile(r.platforms[0]!.zip)).digest('hex');
    const sums = Buffer.from(`${sha}  ${basename(r.platforms[0]!.zip)}\n`);
    await writeFile(r.shasums, sums);
    await writeFile(
      r.signature,
      await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(sums) }), signingKeys: key.privateKey, detached: true, format: 'binary' }),
    );
    await expectRejected(await upload('acme', '1.0.0', await filesOf(r.files)), 422, 'provider_zip_layout');
  });

  it('a namespace without signing keys → 422 signature_no_keys', async () => {
    const r = await release('1.0.0');
    const res = await upload('nokeys', '1.0.0', await filesOf(r.files));
    await expectRejected(res, 422, 'signature_no_keys');
  });

  it('a file that is not part of the release → 400 unexpected_file', async () => {
    const r = await release('1.0.0');
    const res = await upload('acme', '1.0.0', [...(await filesOf(r.files)), { name: 'notes.txt', bytes: Buffer.from('hi') }]);
    await expectRejected(res, 400, 'unexpected_file');
  });

  it('a write without a token → 401', async () => {
    const res = await call('/api/v1/providers/acme/demo/1.0.0', { method: 'POST', body: new FormData(), token: null });
    expect(res.status).toBe(401);
  });
});

describe('provider publish', () => {
  it('publishes a signed release, serves it over the protocols and refuses a second upload of the version', async () => {
    const r = await release('1.2.0');
    const res = await upload('acme', '1.2.0', await filesOf(r.files), { protocols: '5.0,6.0' });
    expect(res.status, res.body.toString()).toBe(201);
    expect(res.json()).toMatchObject({ workflowId: 'provider-publish:acme/demo/1.2.0', signingKeyId: key.keyId });

    const versions = (await call('/v1/providers/acme/demo/versions', { token: null })).json();
    expect(versions.versions).toEqual([
      { version: '1.2.0', protocols: ['5.0', '6.0'], platforms: [{ os: 'darwin', arch: 'arm64' }, { os: 'linux', arch: 'amd64' }] },
    ]);

    const pkg = (await call('/v1/providers/acme/demo/1.2.0/download/linux/amd64', { token: null })).json();
    const linux = r.platforms.find((p) => p.os === 'linux')!;
    expect(pkg).toMatchObject({ os: 'linux', arch: 'amd64', filename: basename(linux.zip), shasum: linux.sha256, protocols: ['5.0', '6.0'] });
    expect(pkg.signing_keys.gpg_public_keys).toEqual([expect.objectContaining({ key_id: key.keyId, trust_signature: '' })]);
    // SHA256SUMS and its binary signature are served byte for byte, without a token.
    expect(Buffer.from(await (await fetch(pkg.shasums_url)).arrayBuffer()).equals(await readFile(r.shasums))).toBe(true);
    const sig = await fetch(pkg.shasums_signature_url);
    expect(sig.status).toBe(200);
    expect(Buffer.from(await sig.arrayBuffer()).equals(await readFile(r.signature))).toBe(true);
    expect(Buffer.from(await (await fetch(pkg.download_url)).arrayBuffer()).equals(await readFile(linux.zip))).toBe(true);
    expect((await call('/v1/providers/acme/demo/1.2.0/download/windows/amd64', { token: null })).status).toBe(404);
    // Go's HTTP client (Terraform, OpenTofu) asks for gzip: the same answer comes compressed.
    const zipped = await call('/v1/providers/acme/demo/1.2.0/download/linux/amd64', { token: null, headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toBe('application/json');
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(pkg);

    const host = new URL(platform.url).host;
    const index = await call(`/v1/mirror/${host}/acme/demo/index.json`, { token: null });
    expect(index.headers['content-type']).toBe('application/json');
    expect(index.json()).toEqual({ versions: { '1.2.0': {} } });
    const archives = (await call(`/v1/mirror/${host}/acme/demo/1.2.0.json`, { token: null })).json().archives;
    expect(archives.linux_amd64.hashes).toEqual([linux.h1, `zh:${linux.sha256}`]);
    expect((await call(`/v1/mirror/registry.example.com/acme/demo/index.json`, { token: null })).status).toBe(404);

    const again = await upload('acme', '1.2.0', await filesOf(r.files));
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('version_exists');
  });
});

describe('GPG keys', () => {
  it('adds, lists, refuses duplicates and private keys, and deletes', async () => {
    const other = await generateTestSigningKey();
    const added = await addKey('keys-ns', other.publicArmored);
    expect(added.status).toBe(201);
    expect(added.json().keyId).toBe(other.keyId);
    expect((await addKey('keys-ns', other.publicArmored)).status).toBe(409);
    const priv = await addKey('keys-ns', other.privateKey.armor());
    expect(priv.status).toBe(422);
    expect(priv.json().error.code).toBe('signing_key_private');
    expect((await call('/api/v1/namespaces/keys-ns/gpg-keys', { token: null })).json().items.map((k: { keyId: string }) => k.keyId)).toEqual([other.keyId]);
    expect((await call(`/api/v1/namespaces/keys-ns/gpg-keys/${other.keyId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/v1/namespaces/keys-ns/gpg-keys/${other.keyId}`, { method: 'DELETE' })).status).toBe(404);
  });
});
