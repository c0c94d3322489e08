import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { InvalidArtifact } from '../../errors';

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/**
 * The `zh:` package hash the clients record in `.terraform.lock.hcl`: `zh:` + lowercase hex sha256 of the zip.
 * @throws InvalidArtifact `shasum_invalid` when the input is not 64 hex digits
 */
export function zhFromSha256(sha256Hex: string): string {
  if (!SHA256_HEX.test(sha256Hex)) {
    throw new InvalidArtifact('a sha256 checksum must be 64 hexadecimal digits', 'shasum_invalid');
  }
  return `zh:${sha256Hex.toLowerCase()}`;
}

/** Lowercase hex sha256 of a file, streamed so large provider zips never sit in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** One file's contribution to an `h1:` hash. */
export interface Hash1File {
  /** Slash-separated path relative to the package root (the zip entry name). */
  name: string;
  /** Lowercase hex sha256 of the file's content. */
  sha256: string;
}

/**
 * Go's `dirhash.Hash1` (golang.org/x/mod/sumdb/dirhash), which Terraform and OpenTofu use for `h1:` hashes:
 * the files sorted bytewise by name, each as the line `<hex sha256>  <name>\n`, hashed again with sha256 and
 * base64-encoded. Names are compared as UTF-8 bytes because Go sorts its strings that way (JavaScript string
 * order differs for characters outside the Basic Multilingual Plane).
 */
export function hash1(files: readonly Hash1File[]): string {
  const sorted = files
    .map((file) => ({ ...file, key: Buffer.from(file.name, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key));
  const summary = createHash('sha256');
  for (const file of sorted) {
    // dirhash refuses such names because they would make the summary ambiguous.
    if (file.name.includes('\n')) throw new Error(`dirhash: filenames with newlines are not supported: ${file.name}`);
    summary.update(`${file.sha256}  ${file.name}\n`, 'utf8');
  }
  return `h1:${summary.digest('base64')}`;
}
