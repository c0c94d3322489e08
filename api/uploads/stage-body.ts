import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { Invalid, UnsupportedMediaType } from '../../core/errors';
import { stagingKey, type BlobStorage } from '../../core/storage/storage';
import { bodyStream } from '../body';

export type SniffedFormat = 'tar.gz' | 'zip';

/** Archive format from magic bytes: gzip (1f 8b) or zip (PK\x03\x04, or PK\x05\x06 for an empty zip). */
export function sniffArchive(head: Buffer): SniffedFormat | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'zip';
  return null;
}

const ACCEPTED = ['application/gzip', 'application/x-gzip', 'application/x-tar+gzip', 'application/zip', 'application/octet-stream'];

/**
 * Streams a request body (a module archive) into staging storage, enforcing the size and idle limits while
 * streaming. On any failure (a bad archive, the client aborting or stalling) the staged object is removed.
 */
export async function stageArchiveBody(
  ctx: Context,
  storage: BlobStorage,
  maxBytes: number,
): Promise<{ key: string; format: SniffedFormat; size: number }> {
  const type = (ctx.get('content-type') || '').split(';')[0]!.trim().toLowerCase();
  if (type && !ACCEPTED.includes(type)) {
    throw new UnsupportedMediaType(`Content-Type ${type} is not an archive: send application/gzip (tar.gz) or application/zip`);
  }
  const limited = bodyStream(ctx, { maxBytes, what: 'the archive' });
  const key = stagingKey(randomUUID(), 'upload');
  try {
    await storage.put(key, limited);
    if (limited.bytes === 0) throw new Invalid('the request body is empty: send the module archive as the body', 'empty_body');
    const format = sniffArchive(limited.head);
    if (!format) throw new Invalid('the body is neither a gzip-compressed tar nor a zip archive', 'unsupported_archive');
    if ((type === 'application/zip' && format !== 'zip') || (type.includes('gzip') && format !== 'tar.gz')) {
      throw new Invalid(`Content-Type says ${type} but the body is a ${format} archive`, 'content_type_mismatch');
    }
    return { key, format, size: limited.bytes };
  } catch (err) {
    limited.destroy();
    await storage.delete(key);
    throw err;
  }
}
