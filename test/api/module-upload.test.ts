import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTarGz, writeZip, zeros, type TarEntry } from '../../core/registry/archive/test-archives';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { leftovers } from '../harness/leftovers';
import { startPlatform, type Platform } from '../harness/platform';

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

beforeAll(async () => {
  platform = await startPlatform({
    env: {
      STRATA_MAX_MODULE_UPLOAD_BYTES: String(1024 * 1024),
      STRATA_MAX_UNCOMPRESSED_BYTES: String(4 * 1024 * 1024),
      STRATA_MAX_ARCHIVE_ENTRIES: '50',
    },
  });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-upload-'));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const gz = { 'content-type': 'application/gzip' };
let n = 0;

async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const file = join(work, `a${n++}.tar.gz`);
  await writeTarGz(file, entries);
  return readFile(file);
}

function upload(path: string, body: Buffer, headers: Record<string, string> = gz, token?: string | null) {
  return call(`/api/v1/modules/${path}?wait=true`, { method: 'POST', body, headers, token });
}

async function expectNothingLeft() {
  const left = await leftovers(platform);
  expect(left.staged).toEqual([]);
  expect(left.rows.moduleVersions).toBe(0);
  expect(left.blobs).toEqual([]);
}

describe('module upload rejects bad input and leaves nothing behind', () => {
  const main = { name: 'main.tf', content: 'output "x" { value = 1 }\n' };
  const cases: [string, () => Promise<Buffer>, string][] = [
    ['a `..` entry', () => tarGz([main, { name: '../evil.tf', content: 'x' }]), 'archive_path_traversal'],
    ['an absolute path', () => tarGz([main, { name: '/etc/cron.d/evil', content: 'x' }]), 'archive_path_traversal'],
    ['a symlink leaving the root', () => tarGz([main, { name: 'link', type: 'symlink', linkname: '/etc/passwd' }]), 'archive_link'],
    ['a hard link', () => tarGz([main, { name: 'hard', type: 'link', linkname: '../../etc/shadow' }]), 'archive_link'],
    ['a device file', () => tarGz([main, { name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }]), 'archive_special_file'],
    ['a decompression bomb', () => tarGz([main, { name: 'bomb.bin', size: 64 * 1024 * 1024, content: () => zeros(64 * 1024 * 1024) }]), 'archive_too_large'],
    ['too many entries', () => tarGz(Array.from({ length: 60 }, (_, i) => ({ name: `f${i}.tf`, content: '' }))), 'archive_too_many_entries'],
    ['invalid HCL', () => tarGz([{ name: 'main.tf', content: 'resource "x" {\n  a = \n' }]), 'module_hcl_invalid'],
  ];
  for (const [what, build, code] of cases) {
    it(`${what} → 422 ${code}`, async () => {
      const res = await upload('acme/bad/aws/1.0.0', await build());
      expect(res.status, res.body.toString()).toBe(422);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toEqual(expect.any(String));
      await expectNothingLeft();
    });
  }

  it('a zip with a path traversal entry → 422', async () => {
    const file = join(work, 'evil.zip');
    await writeZip(file, [{ name: 'main.tf', content: 'output "x" { value = 1 }' }, { name: 'xxxxxxxx', content: 'x' }], { xxxxxxxx: '../../ev' });
    const res = await upload('acme/bad/aws/1.0.0', await readFile(file), { 'content-type': 'application/zip' });
    expect(res.status).toBe(422);
    expect(res.json().error.code).toBe('archive_path_traversal');
    await expectNothingLeft();
  });

  it('a body over the limit → 413, also when streamed without Content-Length', async () => {
    const big = Buffer.alloc(1200 * 1024, 1);
    const declared = await upload('acme/bad/aws/1.0.0', big);
    expect(declared.status).toBe(413);
    expect(declared.json().error.code).toBe('payload_too_large');

    // Chunked: the limit is enforced while streaming.
    let chunks = 0;
    const res = await fetch(`${platform.url}/api/v1/modules/acme/bad/aws/1.0.0`, {
      method: 'POST',
      headers: { ...gz, authorization: `Bearer ${platform.token}` },
      body: new ReadableStream({
        pull(controller) {
          controller.enqueue(new Uint8Array(64 * 1024).fill(0x1f));
          if (++chunks === 20) controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await expectNothingLeft();
  });

  it('not an archive, an empty body, a mismatched Content-Type → 400', async () => {
    expect((await upload('acme/bad/aws/1.0.0', Buffer.from('hello'))).json().error.code).toBe('unsupported_archive');
    expect((await upload('acme/bad/aws/1.0.0', Buffer.alloc(0))).json().error.code).toBe('empty_body');
    const mismatch = await upload('acme/bad/aws/1.0.0', await tarGz([main]), { 'content-type': 'application/zip' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json().error.code).toBe('content_type_mismatch');
    await expectNothingLeft();
  });

  it('invalid semver or names → 400', async () => {
    const body = await tarGz([main]);
    for (const path of ['acme/bad/aws/v1.0.0', 'acme/bad/aws/1.0', 'ac$me/bad/aws/1.0.0', 'acme/-bad/aws/1.0.0', 'acme/bad/AWS/1.0.0']) {
      const res = await upload(path, body);
      expect(res.status, path).toBe(400);
      expect(['invalid_version', 'invalid_name']).toContain(res.json().error.code);
    }
    await expectNothingLeft();
  });

  it('a write without a token or with a revoked token → 401', async () => {
    const body = await tarGz([main]);
    expect((await upload('acme/bad/aws/1.0.0', body, gz, null)).status).toBe(401);
    expect((await upload('acme/bad/aws/1.0.0', body, gz, 'strata_not-a-real-token')).status).toBe(401);
    const created = await call('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ name: 'ci' }), headers: { 'content-type': 'application/json' } });
    expect(created.status).toBe(201);
    const { id, token } = created.json();
    expect((await call('/api/v1/tokens', { token })).status).toBe(200);
    expect((await call(`/api/v1/tokens/${id}`, { method: 'DELETE' })).status).toBe(204);
    const revoked = await upload('acme/bad/aws/1.0.0', body, gz, token);
    expect(revoked.status).toBe(401);
    expect(revoked.json().error.code).toBe('invalid_token');
    const listed = (await call('/api/v1/tokens')).json().items as { id: string; revokedAt: string | null }[];
    expect(listed.find((t) => t.id === id)?.revokedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
    await expectNothingLeft();
  });
});

describe('module publish', () => {
  it('publishes, then refuses the same version with 409 and keeps the bytes unchanged', async () => {
    const first = await writeDemoModule(work, '1.0.0');
    const res = await upload('acme/demo/aws/1.0.0', first.bytes);
    expect(res.status, res.body.toString()).toBe(201);
    const { sha256, workflowId } = res.json();
    expect(workflowId).toBe('module-publish:acme/demo/aws/1.0.0');

    const other = await writeDemoModule(work, '9.9.9');
    const again = await upload('ACME/demo/aws/1.0.0', other.bytes);
    expect(again.status).toBe(409);
    expect(again.json().error.code).toBe('version_exists');

    const download = await call('/v1/modules/acme/demo/aws/1.0.0/download', { token: null });
    expect(download.status).toBe(204);
    const archive = await fetch(download.headers['x-terraform-get'] as string);
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(bytes.equals(first.bytes)).toBe(true);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await leftovers(platform)).staged).toEqual([]);
  });

  it('answers 202 with a status URL that reaches "completed" with the result', async () => {
    const { bytes } = await writeDemoModule(work, '1.1.0');
    const res = await call('/api/v1/modules/acme/demo/aws/1.1.0', { method: 'POST', body: bytes, headers: gz });
    expect(res.status).toBe(202);
    const { statusUrl, workflowId } = res.json();
    let status: { status: string; result?: { version: string }; progress: { steps: { id: string; status: string }[] } };
    const deadline = Date.now() + 30_000;
    do {
      status = (await call(statusUrl)).json();
      if (status.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(status.status).toBe('completed');
    expect(status.result?.version).toBe('1.1.0');
    expect(status.progress.steps.map((s) => [s.id, s.status])).toEqual([
      ['inspect', 'completed'],
      ['record', 'completed'],
    ]);
    expect((await call(statusUrl)).json().temporalUiUrl).toContain(encodeURIComponent(workflowId));
  });

  it('serves the analysis in the read API and finds the module by search', async () => {
    const detail = (await call('/api/v1/modules/acme/demo/aws', { token: null })).json();
    expect(detail.versions.map((v: { version: string }) => v.version).sort()).toEqual(['1.0.0', '1.1.0']);
    const v = detail.versions.find((x: { version: string }) => x.version === '1.1.0');
    expect(v.analysis.root.inputs).toEqual([
      expect.objectContaining({ name: 'name', type: 'string', description: 'Who to greet', default: 'world', required: false }),
    ]);
    expect(v.analysis.submodules.map((s: { path: string }) => s.path)).toEqual(['modules/sub']);
    expect(v.analysis.examples.map((s: { path: string }) => s.path)).toEqual(['examples/basic']);
    // The description follows the most recently published README.
    expect(detail.description).toBe('Greets people, version 1.1.0.');
    const found = (await call('/api/v1/modules?q=greets', { token: null })).json();
    expect(found.items.map((m: { name: string }) => m.name)).toEqual(['demo']);
    expect((await call('/api/v1/modules?q=nothing-like-this', { token: null })).json().total).toBe(0);
  });

  it('lists versions for the protocol, case-insensitively, and 404s unknown modules with a JSON error', async () => {
    const res = await call('/v1/modules/Acme/Demo/aws/versions', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json().modules[0].versions.map((v: { version: string }) => v.version).sort()).toEqual(['1.0.0', '1.1.0']);
    const missing = await call('/v1/modules/acme/none/aws/versions', { token: null });
    expect(missing.status).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
  });

  it('refuses a tampered or expired download link', async () => {
    const download = await call('/v1/modules/acme/demo/aws/1.0.0/download', { token: null });
    const url = new URL(download.headers['x-terraform-get'] as string);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
    expect((await fetch(url)).status).toBe(403);
    url.searchParams.set('expires', '1000');
    expect((await fetch(url)).status).toBe(403);
  });
});
