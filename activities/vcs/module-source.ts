import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';
import { InvalidArtifact } from '../../core/errors';
import { extractArchive, type ExtractLimits } from '../../core/registry/archive';

/** Every entry's mtime in re-packed archives: the bytes depend on the commit's files only. */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

/** Streams a provider download to a file, failing once it passes `maxBytes` and reporting progress. */
export async function saveDownload(stream: Readable, file: string, input: { maxBytes: number; onProgress: (bytes: number) => void; signal?: AbortSignal }): Promise<number> {
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > input.maxBytes) return cb(new InvalidArtifact(`the repository archive is larger than ${input.maxBytes} bytes`, 'archive_too_large'));
      input.onProgress(bytes);
      cb(null, chunk);
    },
  });
  await pipeline(stream, meter, createWriteStream(file), { signal: input.signal });
  return bytes;
}

/**
 * Turns a provider archive of a whole commit into the module archive the publish workflow expects: extracted
 * with every safety rule uploads get, the provider's wrapper directory removed, the link's subdirectory
 * selected, and packed again as a reproducible tar.gz (sorted names, fixed times and owners).
 * @throws InvalidArtifact `vcs_archive_layout` (no single wrapper directory where the provider always adds one),
 *   `vcs_subdirectory_missing`, or any extraction rejection
 */
export async function repackModuleSource(input: {
  file: string;
  format: 'tar.gz' | 'zip';
  wrapped: boolean;
  subdirectory: string | null;
  workDir: string;
  limits: ExtractLimits;
  signal?: AbortSignal;
}): Promise<{ file: string }> {
  const tree = join(input.workDir, 'tree');
  await mkdir(tree);
  await extractArchive({ file: input.file, format: input.format, destDir: tree, limits: input.limits, signal: input.signal });
  let root = tree;
  if (input.wrapped) {
    const top = await readdir(tree, { withFileTypes: true });
    if (top.length !== 1 || !top[0]!.isDirectory()) {
      throw new InvalidArtifact('the repository archive does not have the single top-level directory the provider adds', 'vcs_archive_layout');
    }
    root = join(tree, top[0]!.name);
  }
  if (input.subdirectory) {
    root = join(root, ...input.subdirectory.split('/'));
    const found = await lstat(root).catch(() => null);
    if (!found?.isDirectory()) {
      throw new InvalidArtifact(`the subdirectory ${input.subdirectory} does not exist at this commit`, 'vcs_subdirectory_missing');
    }
  }
  const file = join(input.workDir, 'module.tar.gz');
  const archive = pack();
  const written = pipeline(archive, createGzip({ level: 9 }), createWriteStream(file));
  try {
    await addTree(archive, root, '');
    archive.finalize();
  } catch (err) {
    archive.destroy(err as Error);
  }
  await written;
  return { file };
}

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function addTree(archive: Pack, dir: string, prefix: string): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byBytes(a.name, b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const name = `${prefix}${entry.name}`;
    const common = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: '', gname: '' };
    if (entry.isDirectory()) {
      await new Promise<void>((resolve, reject) => archive.entry({ ...common, name: `${name}/`, type: 'directory', mode: 0o755 }, (err) => (err ? reject(err) : resolve())));
      await addTree(archive, path, `${name}/`);
    } else if (entry.isFile()) {
      const info = await lstat(path);
      await new Promise<void>((resolve, reject) => {
        const sink = archive.entry({ ...common, name, type: 'file', size: info.size, mode: info.mode & 0o111 ? 0o755 : 0o644 }, (err) => (err ? reject(err) : resolve()));
        createReadStream(path).on('error', reject).pipe(sink);
      });
    }
  }
}
