import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFound } from '../errors';
import type { BlobStorage } from './storage';

const MiB = 1024 * 1024;

/** Bytes of a stream of unknown length, in uneven chunks (no Content-Length can be known up front). */
function unevenStream(bytes: Buffer, chunk = 700 * 1024 + 13): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
    })(),
    { objectMode: false },
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The behaviour every BlobStorage backend must have, run against a real server for each (local disk behind
 * the API's blob route, SeaweedFS's S3 gateway, Azurite). `makeStorage` is called once, after the calling file's
 * own `beforeAll` hooks (which start the servers); signed URLs are fetched with plain `fetch`, no credentials.
 */
export function describeStorageContract(name: string, makeStorage: () => BlobStorage | Promise<BlobStorage>): void {
  describe(`BlobStorage contract: ${name}`, () => {
    let storage: BlobStorage;
    const prefix = `contract-${randomBytes(4).toString('hex')}`;
    const key = (name: string) => `${prefix}/${name}`;

    beforeAll(async () => {
      storage = await makeStorage();
    });

    it('stores a Buffer and reads it back, with its size', async () => {
      const bytes = randomBytes(1500);
      expect(await storage.put(key('a/buffer.zip'), bytes)).toEqual({ size: 1500 });
      expect(await readAll(await storage.get(key('a/buffer.zip')))).toEqual(bytes);
      expect(await storage.stat(key('a/buffer.zip'))).toEqual({ size: 1500 });
    });

    it('stores a stream of unknown length larger than 8 MiB intact', async () => {
      const bytes = randomBytes(9 * MiB + 12_345);
      expect(await storage.put(key('big.tar.gz'), unevenStream(bytes))).toEqual({ size: bytes.length });
      expect(await storage.stat(key('big.tar.gz'))).toEqual({ size: bytes.length });
      expect(sha256(await readAll(await storage.get(key('big.tar.gz'))))).toBe(sha256(bytes));
    });

    it('stores an empty stream as an empty object', async () => {
      expect(await storage.put(key('empty.txt'), Readable.from([]))).toEqual({ size: 0 });
      expect(await storage.stat(key('empty.txt'))).toEqual({ size: 0 });
      expect((await readAll(await storage.get(key('empty.txt')))).length).toBe(0);
    });

    it('reports a missing key: get rejects with NotFound, stat answers null', async () => {
      await expect(storage.get(key('missing.zip'))).rejects.toBeInstanceOf(NotFound);
      expect(await storage.stat(key('missing.zip'))).toBeNull();
    });

    it('replaces an object on overwrite', async () => {
      await storage.put(key('over.txt'), Buffer.from('first version, longer'));
      await storage.put(key('over.txt'), unevenStream(Buffer.from('second'), 2));
      expect((await readAll(await storage.get(key('over.txt')))).toString()).toBe('second');
      expect(await storage.stat(key('over.txt'))).toEqual({ size: 6 });
    });

    it('deletes idempotently', async () => {
      await storage.put(key('gone.sig'), Buffer.from('x'));
      await storage.delete(key('gone.sig'));
      await storage.delete(key('gone.sig'));
      await storage.delete(key('never-existed.sig'));
      expect(await storage.stat(key('gone.sig'))).toBeNull();
      await expect(storage.get(key('gone.sig'))).rejects.toBeInstanceOf(NotFound);
    });

    it('copies server-side, idempotently, leaving the source; a missing source is NotFound', async () => {
      const bytes = randomBytes(4096);
      await storage.put(key('staging/up/module.tar.gz'), bytes);
      await storage.copy(key('staging/up/module.tar.gz'), key('sha256/ab/copied.tar.gz'));
      await storage.copy(key('staging/up/module.tar.gz'), key('sha256/ab/copied.tar.gz'));
      expect(await readAll(await storage.get(key('sha256/ab/copied.tar.gz')))).toEqual(bytes);
      expect(await storage.stat(key('staging/up/module.tar.gz'))).toEqual({ size: 4096 });
      await expect(storage.copy(key('staging/none.zip'), key('sha256/none.zip'))).rejects.toBeInstanceOf(NotFound);
      expect(await storage.stat(key('sha256/none.zip'))).toBeNull();
    });

    it('leaves nothing readable when an upload is aborted midway, and keeps an older object intact', async () => {
      const abortedUpload = async (target: string) => {
        const controller = new AbortController();
        const source = Readable.from(
          (async function* () {
            for (let i = 0; ; i++) {
              // Abort once more than a multipart part has been sent, while the stream is still open.
              if (i === 20) controller.abort();
              yield randomBytes(MiB);
              await sleep(5);
            }
          })(),
        );
        await expect(storage.put(target, source, { signal: controller.signal })).rejects.toThrow();
        expect(source.destroyed).toBe(true);
      };
      await abortedUpload(key('aborted.zip'));
      expect(await storage.stat(key('aborted.zip'))).toBeNull();
      await expect(storage.get(key('aborted.zip'))).rejects.toBeInstanceOf(NotFound);

      await storage.put(key('kept.zip'), Buffer.from('published'));
      await abortedUpload(key('kept.zip'));
      expect((await readAll(await storage.get(key('kept.zip')))).toString()).toBe('published');
    });

    it('deletes the objects under a prefix last modified before a date, and nothing else', async () => {
      await storage.put(key('sweep/old/upload.zip'), Buffer.from('old'));
      await storage.put(key('kept-outside.zip'), Buffer.from('outside the prefix'));
      // Stores keep whole seconds: a cutoff on a second boundary after the old write, the new write after it.
      await sleep(1_100);
      const cutoff = new Date(Math.floor(Date.now() / 1000) * 1000);
      await storage.put(key('sweep/new/upload.zip'), Buffer.from('new'));
      expect(await storage.deleteOlderThan(key('sweep/'), cutoff)).toBe(1);
      expect(await storage.stat(key('sweep/old/upload.zip'))).toBeNull();
      expect(await storage.stat(key('sweep/new/upload.zip'))).toEqual({ size: 3 });
      expect(await storage.stat(key('kept-outside.zip'))).toEqual({ size: 18 });
      expect(await storage.deleteOlderThan(key('sweep/'), cutoff)).toBe(0);
      expect(await storage.deleteOlderThan(key('nothing-here/'), new Date())).toBe(0);
    });

    it('refuses to start a read with an already aborted signal', async () => {
      await storage.put(key('read.txt'), Buffer.from('x'));
      await expect(storage.get(key('read.txt'), { signal: AbortSignal.abort() })).rejects.toThrow();
    });

    it('signs URLs that fetch the object without credentials by GET and HEAD, keeping the .tar.gz path', async () => {
      const bytes = randomBytes(2 * MiB + 7);
      await storage.put(key('sha256/cd/archive.tar.gz'), bytes);
      const expiresAt = new Date(Date.now() + 5 * 60_000);
      const url = await storage.signedUrl(key('sha256/cd/archive.tar.gz'), { expiresAt });
      expect(new URL(url).pathname).toMatch(/\/sha256\/cd\/archive\.tar\.gz$/);
      const got = await fetch(url, { redirect: 'error' });
      expect(got.status).toBe(200);
      // Compared by hash: a deep equality over megabytes is slow and its diff unreadable.
      expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(sha256(bytes));

      const headUrl = await storage.signedUrl(key('sha256/cd/archive.tar.gz'), { expiresAt, method: 'HEAD' });
      const head = await fetch(headUrl, { method: 'HEAD', redirect: 'error' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(bytes.length));
    });

    it('refuses a signed URL once it has expired', async () => {
      await storage.put(key('short.zip'), Buffer.from('short-lived'));
      const expiresAt = new Date(Date.now() + 2_000);
      const url = await storage.signedUrl(key('short.zip'), { expiresAt });
      const fresh = await fetch(url, { redirect: 'error' });
      expect(fresh.status).toBe(200);
      expect(await fresh.text()).toBe('short-lived');
      await sleep(expiresAt.getTime() - Date.now() + 1_500);
      const stale = await fetch(url, { redirect: 'error' });
      expect(stale.status).toBe(403);
      expect(await stale.text()).not.toContain('short-lived');
    });
  });
}
