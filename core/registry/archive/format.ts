/** The archive formats a module upload may use. */
export type ArchiveFormat = 'tar.gz' | 'zip';

/** Bounds on what one archive may expand to; exceeding either rejects the whole archive. */
export interface ExtractLimits {
  /** Total bytes of file content written, counted while streaming. */
  maxUncompressedBytes: number;
  /** Entries of any kind (files, directories, rejected types) in the archive. */
  maxEntries: number;
}

export const defaultExtractLimits: ExtractLimits = {
  maxUncompressedBytes: 256 * 1024 * 1024,
  maxEntries: 10_000,
};

/**
 * Detects the archive format from the first bytes of a file: gzip (`1f 8b`) or zip (a local file header
 * `50 4b 03 04`, or the end-of-central-directory record `50 4b 05 06` that opens an empty zip).
 * Returns null for anything else, including a bare tar, which uploads do not accept.
 */
export function detectArchiveFormat(head: Buffer): ArchiveFormat | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if (head[2] === 0x03 && head[3] === 0x04) return 'zip';
    if (head[2] === 0x05 && head[3] === 0x06) return 'zip';
  }
  return null;
}
