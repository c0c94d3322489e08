import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';
import { CliError } from '../errors';
import { readModuleTree, type TreeEntry, type TreeRules } from './module-tree';

/** Every entry's mtime. Fixed so that the archive depends on the tree's content only. */
export const ARCHIVE_MTIME = new Date('1980-01-01T00:00:00Z');

function addEntry(archive: Pack, entry: TreeEntry): Promise<void> {
  const header = {
    name: entry.name,
    type: entry.type,
    mode: entry.mode,
    size: entry.size,
    mtime: ARCHIVE_MTIME,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
  };
  return new Promise((resolve, reject) => {
    const sink = archive.entry(header, (err) => (err ? reject(err) : resolve()));
    if (entry.type === 'directory') return;
    const content = createReadStream(entry.path);
    content.on('error', (err) => {
      sink.destroy(err);
      reject(err);
    });
    content.pipe(sink);
  });
}

/**
 * Packs a module directory into a gzip-compressed tar, reproducibly: the same files with the same contents and
 * exec bits give byte-identical archives, whatever their mtimes, owners or the order the file system lists
 * them in (for a given Node.js build, whose zlib does the compression).
 *
 * The tree is read before this resolves, so a symlink is refused before anything is uploaded; the contents
 * are then streamed, one file at a time.
 * @throws CliError as {@link readModuleTree}; the stream fails with a CliError if a file changes or disappears
 *   while it is being packed
 */
export async function packModule(dir: string, rules?: TreeRules): Promise<{ entries: TreeEntry[]; archive: Readable }> {
  const entries = await readModuleTree(dir, rules);
  const tar = pack();
  const gzip = createGzip({ level: 9 });
  tar.pipe(gzip);
  void (async () => {
    for (const entry of entries) {
      try {
        await addEntry(tar, entry);
      } catch (err) {
        const failure = new CliError(`could not pack ${entry.name}: ${(err as Error).message} (did it change while packing?)`);
        tar.destroy(failure);
        gzip.destroy(failure);
        return;
      }
    }
    tar.finalize();
  })();
  return { entries, archive: gzip };
}
