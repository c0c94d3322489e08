import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestSigningKey, writeProviderRelease } from '../fixtures/provider-release';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

type SigningKey = Awaited<ReturnType<typeof generateTestSigningKey>>;

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let binaries: { os: string; arch: string; path: string }[];
let first: SigningKey;
let second: SigningKey;

beforeAll(async () => {
  [platform, first, second] = await Promise.all([startPlatform(), generateTestSigningKey(), generateTestSigningKey()]);
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-gpg-revoke-'));
  const path = join(work, 'bin-linux-amd64');
  await writeFile(path, '#!/bin/sh\necho linux amd64\n');
  await chmod(path, 0o755);
  binaries = [{ os: 'linux', arch: 'amd64', path }];
}, 120_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const keysPath = '/api/v1/namespaces/signers/gpg-keys';

function addKey(armor: string, extra: Record<string, string> = {}) {
  return call(keysPath, { method: 'POST', body: JSON.stringify({ asciiArmor: armor, ...extra }), headers: { 'content-type': 'application/json' } });
}

async function publish(version: string, signer: SigningKey) {
  const dir = join(work, `release-${version}`);
  const { files } = await writeProviderRelease({ dir, type: 'demo', version, binaries, key: signer });
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([new Uint8Array(await readFile(file))]), basename(file));
  return call(`/api/v1/providers/signers/demo/${version}?wait=true`, { method: 'POST', body: form });
}

/** find-a-package for linux_amd64, as tofu asks it. */
async function findPackage(version: string) {
  const res = await call(`/v1/providers/signers/demo/${version}/download/linux/amd64`, { token: null });
  expect(res.status, res.body.toString()).toBe(200);
  return res.json() as { shasums_url: string; shasums_signature_url: string; signing_keys: { gpg_public_keys: { key_id: string; ascii_armor: string }[] } };
}

/** Verifies the version's SHA256SUMS signature with exactly the keys find-a-package lists, as tofu does. */
async function verifiesWithListedKeys(version: string): Promise<boolean> {
  const pkg = await findPackage(version);
  const sums = (await call(pkg.shasums_url, { token: null })).body;
  const sig = (await call(pkg.shasums_signature_url, { token: null })).body;
  const keys = await Promise.all(pkg.signing_keys.gpg_public_keys.map((k) => openpgp.readKey({ armoredKey: k.ascii_armor })));
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: new Uint8Array(sums) }),
    signature: await openpgp.readSignature({ binarySignature: new Uint8Array(sig) }),
    verificationKeys: keys,
  });
  return result.signatures[0]!.verified.then(() => true, () => false);
}

describe('GPG keys that signed published versions', () => {
  it('accepts only an http(s) source_url', async () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', 'ftp://keys.example.com/k.asc']) {
      const res = await addKey(first.publicArmored, { sourceUrl: bad });
      expect(res.status, bad).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
      expect(res.json().error.message).toContain('sourceUrl must be an http(s) URL');
    }
    const added = await addKey(first.publicArmored, { source: 'Signers Inc.', sourceUrl: 'https://signers.example.com/keys' });
    expect(added.status, added.body.toString()).toBe(201);
    expect(added.json()).toMatchObject({ keyId: first.keyId, sourceUrl: 'https://signers.example.com/keys', revokedAt: null });
  });

  it('refuses to delete a key in use (409), revokes it when forced, and keeps serving it for what it signed', async () => {
    const published = await publish('1.0.0', first);
    expect(published.status, published.body.toString()).toBe(201);
    expect(await verifiesWithListedKeys('1.0.0')).toBe(true);

    const refused = await call(`${keysPath}/${first.keyId}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.json().error.code).toBe('key_in_use');
    expect(refused.json().error.message).toContain('?force=true');
    expect((await call(keysPath, { token: null })).json().items).toEqual([expect.objectContaining({ keyId: first.keyId, revokedAt: null })]);

    const forced = await call(`${keysPath}/${first.keyId}?force=true`, { method: 'DELETE' });
    expect(forced.status, forced.body.toString()).toBe(200);
    expect(forced.json().revokedAt).toEqual(expect.any(String));
    expect((await call(keysPath, { token: null })).json().items).toEqual([expect.objectContaining({ keyId: first.keyId, revokedAt: expect.any(String) })]);

    // The version it signed still verifies with what find-a-package lists (tofu init keeps working).
    expect((await findPackage('1.0.0')).signing_keys.gpg_public_keys.map((k) => k.key_id)).toEqual([first.keyId]);
    expect(await verifiesWithListedKeys('1.0.0')).toBe(true);

    // A new release signed with the revoked key is refused, and leaves no version behind.
    const withRevoked = await publish('1.1.0', first);
    expect(withRevoked.status, withRevoked.body.toString()).toBe(422);
    expect(withRevoked.json().error.code).toBe('signature_no_keys');
    expect((await call('/v1/providers/signers/demo/versions', { token: null })).json().versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0']);

    // With another key added, new releases use it; the revoked key is given only for the version it signed.
    expect((await addKey(second.publicArmored)).status).toBe(201);
    const stillRevoked = await publish('1.1.0', first);
    expect(stillRevoked.status).toBe(422);
    expect(stillRevoked.json().error.code).toBe('signature_invalid');
    expect((await publish('1.2.0', second)).status).toBe(201);
    expect((await findPackage('1.2.0')).signing_keys.gpg_public_keys.map((k) => k.key_id)).toEqual([second.keyId]);
    expect((await findPackage('1.0.0')).signing_keys.gpg_public_keys.map((k) => k.key_id).sort()).toEqual([first.keyId, second.keyId].sort());
    expect(await verifiesWithListedKeys('1.0.0')).toBe(true);
    expect(await verifiesWithListedKeys('1.2.0')).toBe(true);

    // Forcing again is harmless; an unknown key is 404; a bad force value is 400.
    expect((await call(`${keysPath}/${first.keyId}?force=true`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`${keysPath}/0000000000000000`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(`${keysPath}/${first.keyId}?force=yes-please`, { method: 'DELETE' })).status).toBe(400);
  });

  it('deletes a key that signed nothing', async () => {
    const unused = await generateTestSigningKey();
    expect((await addKey(unused.publicArmored)).status).toBe(201);
    expect((await call(`${keysPath}/${unused.keyId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(keysPath, { token: null })).json().items.map((k: { keyId: string }) => k.keyId)).not.toContain(unused.keyId);
  });
});
