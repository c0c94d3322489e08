import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

// Uploads are limited by idle time, not total time, and an upload that ends early — the client aborting or
// stalling — leaves nothing behind on any upload route: no staged file, no empty staging folder, no open file.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
/** The staging folder and the store's partial-writes folder (where the bytes of a write in progress are). */
let stagingDirs: string[];

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_UPLOAD_IDLE_SECONDS: '1' } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-uploads-'));
  const s = platform.config.storage;
  if (s.kind !== 'local') throw new Error('expects local storage');
  stagingDirs = [join(s.dir, 'staging'), join(s.dir, platform.storage.capabilities.partialWritesPrefix!)];
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Everything under the staging folders (files and folders), or [] when they do not exist. */
async function stagingEntries(): Promise<string[]> {
  const entries = await Promise.all(
    stagingDirs.map(async (dir) => {
      try {
        return (await readdir(dir, { recursive: true })).map((e) => join(dir, String(e)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    }),
  );
  return entries.flat();
}

/** File descriptors of this process (the API runs in it) open on anything under the staging folder. */
async function openStagingFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (stagingDirs.some((dir) => target.startsWith(dir))) out.push(target);
  }
  return out;
}

async function settled(what: () => Promise<string[]>, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await what();
  while (last.length > 0 && Date.now() < deadline) {
    await sleep(100);
    last = await what();
  }
  return last;
}

interface Upload {
  /** Resolves with the response, or null when the connection ended without one. */
  response: Promise<{ status: number; body: string } | null>;
  write(bytes: Buffer): Promise<void>;
  abort(): void;
}

/** A raw upload whose body the test sends piece by piece (Content-Length announced up front). */
function startUpload(path: string, input: { contentType: string; length: number }): Upload {
  const url = new URL(path, platform.url);
  const req = request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.token}`, 'content-type': input.contentType, 'content-length': String(input.length) },
  });
  const response = new Promise<{ status: number; body: string } | null>((resolve) => {
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.once('error', () => resolve(null));
    req.once('close', () => setTimeout(() => resolve(null), 50));
  });
  req.flushHeaders();
  return {
    response,
    write: (bytes) => new Promise((resolve, reject) => req.write(bytes, (err) => (err ? reject(err) : resolve()))),
    abort: () => req.destroy(),
  };
}

/** A real module archive of about `size` bytes (an incompressible file inside). */
async function bigModule(version: string, size: number): Promise<Buffer> {
  const file = join(work, `big-${version}.tar.gz`);
  await writeTarGz(file, [
    { name: 'README.md', content: `# Big module ${version}\n` },
    { name: 'main.tf', content: 'output "x" {\n  value = 1\n}\n' },
    { name: 'files/blob.bin', content: randomBytes(size) },
  ]);
  return readFile(file);
}

function multipartHead(boundary: string, filename: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/zip\r\n\r\n`);
}

/** Waits until the upload has reached staging (so the abort really happens mid-write). */
async function stagingStarted(): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await stagingEntries()).length === 0) {
    if (Date.now() > deadline) throw new Error('the upload never reached staging');
    await sleep(50);
  }
}

async function expectNothingLeft(): Promise<void> {
  expect(await settled(stagingEntries), 'staging folder').toEqual([]);
  expect(await settled(openStagingFiles), 'open files under staging').toEqual([]);
  const health = await call('/healthz', { token: null });
  expect(health.status).toBe(200);
}

describe('an aborted upload leaves nothing behind', () => {
  it('module archive: client disconnects mid-body', async () => {
    const upload = startUpload('/api/v1/modules/acme/aborted/aws/1.0.0', { contentType: 'application/gzip', length: 4 * 1024 * 1024 });
    await upload.write(Buffer.from([0x1f, 0x8b, 8, 0]));
    await upload.write(randomBytes(512 * 1024));
    await stagingStarted();
    upload.abort();
    await expectNothingLeft();
    expect(await upload.response).toBeNull();
  });

  it('provider release: client disconnects in the middle of a zip part', async () => {
    const boundary = 'strataabortboundary';
    const upload = startUpload('/api/v1/providers/acme/demo/1.0.0', { contentType: `multipart/form-data; boundary=${boundary}`, length: 8 * 1024 * 1024 });
    await upload.write(multipartHead(boundary, 'terraform-provider-demo_1.0.0_linux_amd64.zip'));
    await upload.write(randomBytes(512 * 1024));
    await stagingStarted();
    upload.abort();
    await expectNothingLeft();
    expect(await upload.response).toBeNull();
  });

  it('provider release: client disconnects after a complete file, before the next', async () => {
    const boundary = 'strataabortboundary2';
    const upload = startUpload('/api/v1/providers/acme/demo/1.0.1', { contentType: `multipart/form-data; boundary=${boundary}`, length: 8 * 1024 * 1024 });
    await upload.write(multipartHead(boundary, 'terraform-provider-demo_1.0.1_SHA256SUMS'));
    await upload.write(Buffer.from(`${'a'.repeat(64)}  terraform-provider-demo_1.0.1_linux_amd64.zip\n\r\n`));
    await upload.write(multipartHead(boundary, 'terraform-provider-demo_1.0.1_linux_amd64.zip'));
    await upload.write(randomBytes(64 * 1024));
    await sleep(200);
    upload.abort();
    await expectNothingLeft();
  });
});

describe('uploads are limited by idle time, not total time', () => {
  it('a ~2 MB module trickled over ~8 s with a 1 s idle limit publishes', async () => {
    const bytes = await bigModule('2.0.0', 2 * 1024 * 1024);
    const upload = startUpload('/api/v1/modules/acme/slow/aws/2.0.0?wait=true', { contentType: 'application/gzip', length: bytes.length });
    const pieces = 32;
    const step = Math.ceil(bytes.length / pieces);
    const started = Date.now();
    for (let at = 0; at < bytes.length; at += step) {
      await upload.write(bytes.subarray(at, at + step));
      await sleep(250);
    }
    const res = await upload.response;
    expect(Date.now() - started).toBeGreaterThan(7_000);
    expect(res?.status, res?.body).toBe(201);
    expect(await settled(stagingEntries)).toEqual([]);
  }, 90_000);

  it('a stalled module upload is cut with 408 request_timeout and leaves nothing behind', async () => {
    const upload = startUpload('/api/v1/modules/acme/stalled/aws/1.0.0', { contentType: 'application/gzip', length: 1024 * 1024 });
    await upload.write(Buffer.from([0x1f, 0x8b, 8, 0]));
    await upload.write(randomBytes(100 * 1024));
    const started = Date.now();
    const res = await upload.response;
    expect(res?.status, res?.body).toBe(408);
    expect(JSON.parse(res!.body).error.code).toBe('request_timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
    await expectNothingLeft();
  });

  it('a stalled provider upload is cut with 408 too', async () => {
    const boundary = 'stratastallboundary';
    const upload = startUpload('/api/v1/providers/acme/demo/1.0.2', { contentType: `multipart/form-data; boundary=${boundary}`, length: 4 * 1024 * 1024 });
    await upload.write(multipartHead(boundary, 'terraform-provider-demo_1.0.2_linux_amd64.zip'));
    await upload.write(randomBytes(100 * 1024));
    const res = await upload.response;
    expect(res?.status, res?.body).toBe(408);
    await expectNothingLeft();
  });
});
