import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { NotFound } from '../errors';
import type { BlobStat, BlobStorage, GetOptions, StorageCapabilities } from './storage';
import { blobLink } from './url-signing';

/** Where writes in progress live (see {@link LocalStorage}); keys start with a letter or digit, so none is in here. */
const PARTIAL_DIR = '.partial';

/**
 * Local-disk storage: the embedded default. Writes go to a temp file and are renamed into place (atomic). Its
 * signed URLs are the registry's own blob links, served by the API (api/protocol/blob-route.ts).
 *
 * Temp files live under `.partial/`, which no key can name, never beside a key: a writer SIGKILLed between
 * creating its temp file and renaming it leaves the partial there, where the staging sweep removes it once old,
 * instead of an unreferenced file among the content-addressed blobs or the staged uploads.
 */
export class LocalStorage implements BlobStorage {
  readonly capabilities: StorageCapabilities = { redirectDownloads: false, partialWritesPrefix: `${PARTIAL_DIR}/` };
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

  /** A fresh temp file's path, on the same file system as every key (so renaming it into place is atomic). */
  private async tempPath(): Promise<string> {
    const dir = join(this.root, PARTIAL_DIR);
    await mkdir(dir, { recursive: true });
    return join(dir, `${randomUUID()}.tmp`);
  }

  async put(key: string, body: Readable | Buffer, options: { signal?: AbortSignal } = {}): Promise<BlobStat> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = await this.tempPath();
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

  /** The blob's bytes; `range` (inclusive offsets) reads a part, for HTTP range requests. */
  async get(key: string, options: GetOptions = {}): Promise<Readable> {
    options.signal?.throwIfAborted();
    const path = this.pathOf(key);
    const info = await this.stat(key);
    if (!info) throw new NotFound(`no blob ${JSON.stringify(key)}`);
    const stream = createReadStream(path, options.range ? { start: options.range.start, end: options.range.end } : {});
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

  /**
   * A staged key also takes the upload's directories it leaves empty with it, so no empty staging folder remains
   * (only under `staging/`, where each upload has directories of its own that nothing else writes into).
   */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    const staging = join(this.root, 'staging');
    for (let dir = dirname(path); dir.startsWith(staging + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        // Not empty (or already gone, or being written to concurrently): the rest of the tree stays.
        return;
      }
    }
  }

  async deleteOlderThan(prefix: string, before: Date): Promise<number> {
    const top = join(this.root, prefix);
    if (!top.startsWith(this.root + sep)) throw new NotFound(`no prefix ${JSON.stringify(prefix)}`);
    let deleted = 0;
    // Depth first, so folders emptied by the sweep (and old empty ones) go too; the prefix folder itself stays.
    const sweep = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          // Its age before the sweep touches it: a fresh upload's folder, empty for a moment, stays.
          const info = await stat(path).catch(() => null);
          await sweep(path);
          if (info && info.mtime < before) await rmdir(path).catch(() => undefined);
        } else {
          const info = await stat(path).catch(() => null);
          if (info && info.mtime < before) {
            await rm(path, { force: true });
            deleted++;
          }
        }
      }
    };
    await sweep(top.replace(/\/+$/, ''));
    return deleted;
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const to = this.pathOf(toKey);
    await mkdir(dirname(to), { recursive: true });
    const tmp = await this.tempPath();
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
