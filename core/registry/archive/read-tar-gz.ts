import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { InvalidArtifact } from '../../errors';
import { entrySegments, quoteName } from './entry-path';
import type { TreeWriter } from './tree-writer';

function describeType(type: string | null): string {
  if (type === 'character-device') return 'a character device';
  if (type === 'block-device') return 'a block device';
  if (type === 'fifo') return 'a named pipe';
  return 'an entry of an unsupported type';
}

/** An entry's content stream; tar-stream declares its chunks as unknown but always yields Buffers. */
type EntryContent = AsyncIterable<Buffer> & { resume(): unknown };

async function writeEntry(header: Header, content: EntryContent, writer: TreeWriter): Promise<void> {
  writer.countEntry();
  // tar-stream reports unknown typeflags as null, which the declared union does not admit.
  const type: Header['type'] | null = header.type;
  const name = header.name;
  switch (type) {
    case 'file':
    case 'contiguous-file': // POSIX: read as a regular file
      await writer.file({
        name,
        segments: entrySegments(name),
        executable: (header.mode & 0o111) !== 0,
        declaredSize: header.size,
        content,
      });
      return;
    case 'directory':
      content.resume();
      await writer.directory(name, entrySegments(name));
      return;
    case 'symlink':
    case 'link':
      throw new InvalidArtifact(
        `archive entry ${quoteName(name)} is a ${type === 'link' ? 'hard link' : 'symbolic link'}; module archives may contain only files and directories`,
        'archive_link',
      );
    default:
      throw new InvalidArtifact(
        `archive entry ${quoteName(name)} is ${describeType(type)}; module archives may contain only files and directories`,
        'archive_special_file',
      );
  }
}

/**
 * Streams a gzip-compressed tar into the writer, one entry at a time. Reader-side failures (bad gzip,
 * bad tar header, early end) surface as plain errors for the caller to classify as a corrupt archive.
 */
export async function readTarGz(file: string, writer: TreeWriter, signal?: AbortSignal): Promise<void> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  const tar = extract();
  // pipe() does not forward errors; without this a truncated gzip would leave the loop waiting forever.
  const fail = (err: Error) => tar.destroy(err);
  input.on('error', fail);
  gunzip.on('error', fail);
  const abort = () => tar.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', abort, { once: true });
  input.pipe(gunzip).pipe(tar);
  try {
    for await (const entry of tar) {
      await writeEntry(entry.header, entry as EntryContent, writer);
    }
  } catch (err) {
    // tar-stream's own wording suggests gunzipping, which would confuse someone who uploaded a .tar.gz.
    if (err instanceof Error && err.message.startsWith('Invalid tar header')) {
      throw new InvalidArtifact('the gzip data is not a tar archive, or its tar headers are damaged', 'archive_corrupt');
    }
    throw err;
  } finally {
    signal?.removeEventListener('abort', abort);
    input.destroy();
    gunzip.destroy();
    tar.destroy();
  }
}
