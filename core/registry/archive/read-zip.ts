import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidArtifact } from '../../errors';
import { entrySegments, quoteName } from './entry-path';
import type { TreeWriter } from './tree-writer';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings: false keeps yauzl from rewriting backslashes and lets entrySegments judge raw names.
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    );
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) return reject(err);
      // yauzl can fail the stream before anyone reads it (a size check runs as data is piped in), and it
      // forwards inflate errors with a bare emit that leaves the stream open. Destroying with the error
      // both prevents an unhandled 'error' and makes the reader's iteration throw instead of hang.
      stream.on('error', (failure: Error) => stream.destroy(failure));
      resolve(stream);
    });
  });
}

/** Turns yauzl's lazy entry events into a pull function; null after the last entry. */
function entryReader(zip: ZipFile): () => Promise<Entry | null> {
  let failure: Error | null = null;
  let waiting: { resolve: (entry: Entry | null) => void; reject: (err: Error) => void } | null = null;
  const settle = (fn: (w: NonNullable<typeof waiting>) => void) => {
    const w = waiting;
    waiting = null;
    if (w) fn(w);
  };
  zip.on('entry', (entry: Entry) => settle((w) => w.resolve(entry)));
  zip.on('end', () => settle((w) => w.resolve(null)));
  // A listener must always be attached: an unhandled 'error' event would crash the process.
  zip.on('error', (err: Error) => {
    failure = err;
    settle((w) => w.reject(err));
  });
  return () =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      waiting = { resolve, reject };
      zip.readEntry();
    });
}

async function writeEntry(zip: ZipFile, entry: Entry, writer: TreeWriter): Promise<void> {
  writer.countEntry();
  const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const segments = entrySegments(name);
  // Unix tools store st_mode in the high half of the external attributes; others leave it zero.
  const mode = entry.externalFileAttributes >>> 16;
  const kind = mode & S_IFMT;
  if (kind === S_IFLNK) {
    throw new InvalidArtifact(
      `archive entry ${quoteName(name)} is a symbolic link; module archives may contain only files and directories`,
      'archive_link',
    );
  }
  if (kind !== 0 && kind !== S_IFREG && kind !== S_IFDIR) {
    throw new InvalidArtifact(
      `archive entry ${quoteName(name)} is a special file; module archives may contain only files and directories`,
      'archive_special_file',
    );
  }
  if (name.endsWith('/') || kind === S_IFDIR) {
    await writer.directory(name, segments);
    return;
  }
  if (entry.isEncrypted()) {
    throw new InvalidArtifact(`archive entry ${quoteName(name)} is encrypted`, 'archive_encrypted');
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new InvalidArtifact(
      `archive entry ${quoteName(name)} uses compression method ${entry.compressionMethod}; only stored and deflate are supported`,
      'archive_unsupported_compression',
    );
  }
  const content = await openEntry(zip, entry);
  try {
    await writer.file({
      name,
      segments,
      executable: (mode & 0o111) !== 0,
      declaredSize: entry.uncompressedSize,
      content,
    });
  } finally {
    content.destroy();
  }
}

/**
 * Streams a zip into the writer entry by entry. yauzl reads the central directory, which is the listing
 * every unzip tool trusts, and with validateEntrySizes fails an entry that inflates past its stated size.
 */
export async function readZip(file: string, writer: TreeWriter): Promise<void> {
  const zip = await openZip(file);
  try {
    // The central directory states the count up front, so a hostile count is refused before any work.
    writer.expectEntries(zip.entryCount);
    const next = entryReader(zip);
    for (let entry = await next(); entry; entry = await next()) {
      await writeEntry(zip, entry, writer);
    }
  } finally {
    zip.close();
  }
}
