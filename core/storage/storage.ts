import type { Readable } from 'node:stream';

export interface BlobStat {
  size: number;
}

/**
 * Object storage for archives and release files. Keys are `/`-separated relative paths. Every backend passes
 * the same contract tests (core/storage/contract.ts).
 */
/** Reading an object: `range` is inclusive at both ends (as in HTTP `Range: bytes=start-end`). */
export interface GetOptions {
  signal?: AbortSignal;
  range?: { start: number; end: number };
}

export interface BlobStorage {
  /** What this backend can do; callers ask this instead of checking its class. */
  readonly capabilities: StorageCapabilities;
  /** Writes the whole body, replacing any object at `key`. Resolves with the number of bytes written. */
  put(key: string, body: Readable | Buffer, options?: { signal?: AbortSignal }): Promise<BlobStat>;
  /** Streams the object; rejects with a NotFound domain error when missing. */
  get(key: string, options?: GetOptions): Promise<Readable>;
  stat(key: string): Promise<BlobStat | null>;
  /** Deleting a missing key is not an error (idempotent). */
  delete(key: string): Promise<void>;
  /** Copies an object server-side where the backend can (staging → content-addressed). Idempotent. */
  copy(fromKey: string, toKey: string): Promise<void>;
  /**
   * A URL that fetches the object without credentials with `method` (default GET) until `expiresAt`, and is
   * refused after. Its path ends with the key's file name, so `.tar.gz` stays visible to clients that detect the
   * archive type from the path. Some backends sign the method too (S3): ask for a HEAD URL to send HEAD.
   */
  signedUrl(key: string, options: { expiresAt: Date; method?: SignedMethod }): Promise<string>;
  /**
   * Deletes every object under `prefix` (a `/`-terminated folder such as `staging/`) last modified before
   * `before`, for sweeping abandoned uploads. Resolves with the number of objects deleted.
   */
  deleteOlderThan(prefix: string, before: Date): Promise<number>;
}

export interface StorageCapabilities {
  /**
   * Downloads are served by the store itself (the registry's blob links redirect to a URL the store signed);
   * false: the registry streams the bytes (local disk).
   */
  redirectDownloads: boolean;
  /**
   * The folder (`/`-terminated) where writes in progress wait to be renamed into place, which no key can name;
   * what a killed writer left there is swept like staging. Null where a write is atomic by itself (S3, Azure).
   */
  partialWritesPrefix: string | null;
}

export type SignedMethod = 'GET' | 'HEAD';

const CONTENT_TYPES: Record<string, string> = {
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.txt': 'text/plain; charset=utf-8',
  '.sig': 'application/octet-stream',
};

/** The Content-Type a stored file is served with, from its extension (SHA256SUMS files end in `.txt`). */
export function contentTypeFor(key: string): string {
  const dot = key.lastIndexOf('.');
  return (dot > key.lastIndexOf('/') && CONTENT_TYPES[key.slice(dot)]) || 'application/octet-stream';
}

/** Content-addressed key for immutable artifacts: the bytes decide the key, so a retried store is a no-op. */
export function contentKey(sha256: string, extension: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}${extension}`;
}

/** Keys under `staging/` hold uploads until their publish workflow finishes; they are never served. */
export function stagingKey(uploadId: string, filename: string): string {
  return `staging/${uploadId}/${filename}`;
}
