import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { ZipFile } from 'yazl';

/** Builders for real archives in tests, including hostile ones no well-behaved tool would write. */

export type TarEntry = Partial<Header> & {
  name: string;
  /** File content; a function is called lazily so huge entries are never held in memory. */
  content?: string | Buffer | (() => Readable);
};

/** `bytes` zero bytes, produced chunk by chunk on demand. */
export function zeros(bytes: number): Readable {
  const chunk = Buffer.alloc(Math.min(bytes, 1024 * 1024));
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

export async function writeTarGz(path: string, entries: TarEntry[]): Promise<void> {
  const tar = pack();
  const done = pipeline(tar, createGzip({ level: 1 }), createWriteStream(path));
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (typeof content === 'function') {
        content().pipe(tar.entry(header, cb));
      } else if (content !== undefined || header.type === undefined || header.type === 'file') {
        tar.entry(header, content ?? '', cb);
      } else {
        // Links, directories and devices have no body; tar-stream completes them on its own.
        tar.entry(header, cb);
      }
    });
  }
  tar.finalize();
  await done;
}

/** Gzips arbitrary bytes, e.g. to make a gzip that is not a tar. */
export async function writeGzip(path: string, content: Buffer): Promise<void> {
  await pipeline(Readable.from([content]), createGzip(), createWriteStream(path));
}

export interface ZipItem {
  name: string;
  content?: string | Buffer | (() => Readable);
  /** Unix st_mode stored in the external attributes (file type bits included). */
  mode?: number;
  directory?: boolean;
}

/**
 * Writes a zip with yazl. yazl refuses unsafe names, so `renames` swaps placeholder names for hostile
 * ones of the same byte length afterwards, in both the local headers and the central directory.
 */
export async function writeZip(path: string, items: ZipItem[], renames: Record<string, string> = {}): Promise<void> {
  const zip = new ZipFile();
  for (const item of items) {
    const options = item.mode === undefined ? {} : { mode: item.mode };
    if (item.directory) zip.addEmptyDirectory(item.name, options);
    else if (typeof item.content === 'function') zip.addReadStream(item.content(), item.name, options);
    else zip.addBuffer(Buffer.from(item.content ?? ''), item.name, options);
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  if (Object.keys(renames).length > 0) {
    await patchZip(path, (bytes) => {
      for (const [from, to] of Object.entries(renames)) replaceAll(bytes, Buffer.from(from), Buffer.from(to));
    });
  }
}

function replaceAll(bytes: Buffer, from: Buffer, to: Buffer): void {
  if (from.length !== to.length) throw new Error('a zip rename must keep the name length');
  let at = bytes.indexOf(from);
  if (at < 0) throw new Error(`placeholder ${from.toString()} not found`);
  for (; at >= 0; at = bytes.indexOf(from, at + from.length)) to.copy(bytes, at);
}

/** Rewrites a zip's bytes in place (small test zips only). */
export async function patchZip(path: string, patch: (bytes: Buffer) => void): Promise<void> {
  const bytes = await readFile(path);
  patch(bytes);
  await writeFile(path, bytes);
}

/** Sets the uncompressed size every central directory record claims, as a lying zip bomb would. */
export function understateSizes(bytes: Buffer, claimed: number): void {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = bytes.indexOf(signature); at >= 0; at = bytes.indexOf(signature, at + 4)) {
    bytes.writeUInt32LE(claimed, at + 24);
  }
}
