import { DomainError, InvalidArtifact } from '../../errors';
import type { ArchiveFormat, ExtractLimits } from './format';
import { readTarGz } from './read-tar-gz';
import { readZip } from './read-zip';
import { TreeWriter } from './tree-writer';

export interface ExtractInput {
  /** Path of the uploaded archive on local disk. */
  file: string;
  format: ArchiveFormat;
  /** An existing, empty directory. It is left empty when extraction fails. */
  destDir: string;
  limits: ExtractLimits;
  signal?: AbortSignal;
}

export interface ExtractResult {
  files: number;
  /** Directories created, whether listed in the archive or implied by a file's path. */
  directories: number;
  /** File content bytes written. */
  bytes: number;
}

/**
 * Maps a failure to what the uploader should hear. Our own rejections pass through; local I/O errors
 * (a full disk, a missing input file) are ours to fix and stay unclassified so they become a 500; every
 * other error comes from gzip, tar or zip parsing of the uploaded bytes and means the archive is damaged.
 */
function classify(err: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted || err instanceof DomainError) return err;
  const errno = err as NodeJS.ErrnoException;
  if (errno.code === 'ENAMETOOLONG') {
    return new InvalidArtifact('an archive entry has a path that is too long', 'archive_path_too_long');
  }
  if (typeof errno.syscall === 'string') return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new InvalidArtifact(`the archive is corrupt or truncated: ${detail}`, 'archive_corrupt');
}

/**
 * Extracts an uploaded module archive under `destDir`, streaming entry by entry so neither the archive nor
 * any entry is held in memory. Only regular files (mode 0644, or 0755 when any exec bit was set) and
 * directories (0755) are written; a single top-level wrapper directory is kept as it is.
 *
 * The whole archive is rejected, and anything already written is removed, on the first entry that breaks
 * a rule.
 * @throws InvalidArtifact `archive_path_traversal` (absolute name, `..`, NUL, backslash),
 *   `archive_link` (symlink or hard link), `archive_special_file` (device, fifo, unknown type),
 *   `archive_duplicate_entry`, `archive_path_conflict` (a file where a directory is needed or the reverse),
 *   `archive_too_large`, `archive_too_many_entries`, `archive_encrypted`, `archive_unsupported_compression`,
 *   `archive_path_too_long`, `archive_corrupt` (truncated, not gzip, gzip that is not a tar, bad zip)
 * @throws the signal's reason when aborted
 */
export async function extractArchive(input: ExtractInput): Promise<ExtractResult> {
  const { file, format, destDir, limits, signal } = input;
  signal?.throwIfAborted();
  const writer = new TreeWriter(destDir, limits, signal);
  try {
    if (format === 'tar.gz') await readTarGz(file, writer, signal);
    else await readZip(file, writer);
  } catch (err) {
    await writer.clear();
    throw classify(err, signal);
  }
  return { files: writer.files, directories: writer.directories, bytes: writer.bytes };
}
