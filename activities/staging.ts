import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStorage } from '../core/storage/storage';
import { workTempPrefix } from '../core/sweeper';
import { heartbeatingStream } from './heartbeat';

/**
 * Copies a staged blob into a private temp dir (archives are inspected from local files), hashing on the way and
 * heartbeating its progress (a slow store must not trip the heartbeat timeout). Activity code only.
 * The caller must call `cleanup` (it removes the whole dir).
 */
export async function downloadToTemp(
  storage: BlobStorage,
  key: string,
  filename: string,
  signal?: AbortSignal,
): Promise<{ dir: string; file: string; sha256: string; size: number; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(workTempPrefix('download'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const file = join(dir, filename.replace(/[^A-Za-z0-9._-]/g, '_'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    await pipeline(await storage.get(key, { signal }), meter, heartbeatingStream('downloading'), createWriteStream(file), { signal });
    return { dir, file, sha256: hash.digest('hex'), size, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
