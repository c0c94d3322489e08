import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { NotFound } from '../errors';
import type { BlobStat, BlobStorage } from './storage';
import { blobLink } from './url-signing';

/**
 * Local-disk storage: the embedded default. Writes go to a temp file and are renamed into place (atomic). Its
 * signed URLs are the registry's own blob links, served by the API (api/protocol/blob-route.ts).
 */
export class LocalStorage implements BlobStorage {
  private readonly root: string;

  constructor(
    root: string,
    private readonly publicUrl: string,
    private readonly secret: string,
  ) {
    this.root = resolve(root);
  }

  /** Absolute path of a key; refuses keys that would leave the storage root. */
  pathOf(key: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(key) || key.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      throw new NotFound(`no blob ${JSON.stringify(key)}`);
    }
    const path = join(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new NotFound(`no blob ${JSON.stringify(key)}`);
    return path;
  }

  async put(key: string, body: Readable | Buffer, options: { signal?: AbortSignal } = {}): Promise<BlobStat> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(source, createWriteStream(tmp, { flags: 'wx' }), { signal: options.signal });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { size: (await stat(path)).size };
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    options.signal?.throwIfAborted();
    const path = this.pathOf(key);
    const info = await this.stat(key);
    if (!info) throw new NotFound(`no blob ${JSON.stringify(key)}`);
    const stream = createReadStream(path);
    return options.signal ? addAbortSignal(options.signal, stream) : stream;
  }

  async stat(key: string): Promise<BlobStat | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof NotFound) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const to = this.pathOf(toKey);
    await mkdir(dirname(to), { recursive: true });
    const tmp = `${to}.${randomUUID()}.tmp`;
    try {
      await copyFile(this.pathOf(fromKey), tmp);
      await rename(tmp, to);
    } catch (err) {
      await rm(tmp, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFound(`no blob ${JSON.stringify(fromKey)}`);
      throw err;
    }
  }

  /** The registry's blob link; it answers GET and HEAD alike. */
  async signedUrl(key: string, options: { expiresAt: Date }): Promise<string> {
    this.pathOf(key);
    return blobLink({ publicUrl: this.publicUrl, secret: this.secret, key, expiresAt: options.expiresAt });
  }
}
