import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeaweedFs, startTcpProxy, type S3TestServer } from '../../test/harness/object-stores';
import { describeStorageContract } from './contract';
import { S3Storage } from './s3';

// The S3 backend against a real S3-compatible server (SeaweedFS's S3 gateway) on a loopback port.
const MiB = 1024 * 1024;
let server: S3TestServer;
let storage: S3Storage;
let admin: S3Client;

beforeAll(async () => {
  server = await startSeaweedFs();
  const settings = { bucket: server.bucket, region: server.region, endpoint: server.endpoint, forcePathStyle: true, credentials: server.credentials };
  storage = new S3Storage(settings);
  admin = new S3Client({ ...settings });
}, 120_000);

afterAll(async () => {
  storage?.close();
  admin?.destroy();
  await server?.stop();
});

describeStorageContract('S3 (SeaweedFS)', () => storage);

describe('S3 storage specifics', () => {
  it('uploads a long stream as a multipart upload and leaves no unfinished upload behind when aborted', async () => {
    await storage.put('parts/long.zip', Readable.from([randomBytes(9 * MiB), randomBytes(9 * MiB)]));
    // A multipart object's ETag ends in -<number of parts>: 18 MiB in 8 MiB parts is three.
    const head = await admin.send(new HeadObjectCommand({ Bucket: server.bucket, Key: 'parts/long.zip' }));
    expect(head.ETag).toMatch(/-3"?$/);
    expect(head.ContentType).toBe('application/zip');

    const controller = new AbortController();
    const source = Readable.from(
      (async function* () {
        for (let i = 0; i < 64; i++) {
          if (i === 20) controller.abort();
          yield randomBytes(MiB);
        }
      })(),
    );
    await expect(storage.put('parts/aborted.zip', source, { signal: controller.signal })).rejects.toThrow();
    const open = await admin.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: 'parts/' }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  it('signs URLs for the public endpoint clients reach the store under', async () => {
    const proxy = await startTcpProxy(Number(new URL(server.endpoint).port));
    const publicEndpoint = `http://127.0.0.1:${proxy.port}`;
    const behindProxy = new S3Storage({ bucket: server.bucket, region: server.region, endpoint: server.endpoint, publicEndpoint, forcePathStyle: true, credentials: server.credentials });
    try {
      await behindProxy.put('public/file.txt', Buffer.from('through the public endpoint'));
      const url = await behindProxy.signedUrl('public/file.txt', { expiresAt: new Date(Date.now() + 60_000) });
      expect(url.startsWith(`${publicEndpoint}/${server.bucket}/public/file.txt?`)).toBe(true);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('through the public endpoint');
    } finally {
      behindProxy.close();
      await proxy.stop();
    }
  });
});
