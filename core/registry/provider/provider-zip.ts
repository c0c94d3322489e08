import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { InvalidArtifact } from '../../errors';
import { hash1, type Hash1File } from './hashes';

/** Bounds on what one provider zip may unpack to; they stop decompression bombs before any byte is inflated. */
export interface ProviderZipLimits {
  maxUncompressedBytes: number;
  maxEntries: number;
}

/** Generous for real providers: the largest (e.g. AWS) unpack to well under 1 GiB in a handful of files. */
export const DEFAULT_PROVIDER_ZIP_LIMITS: ProviderZipLimits = {
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 1000,
};

/** What a valid provider zip is made of. */
export interface ProviderZipInfo {
  /** Go `dirhash.Hash1` over the files (not directory entries), as the clients write it to the lock file. */
  h1: string;
  /** Zip entry name of the provider executable, at the zip root. */
  executable: string;
  /** Total size of the files once unpacked. */
  uncompressedBytes: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
// "Version made by" hosts whose external attributes carry a Unix mode (Go's archive/zip reads the same two).
const UNIX_HOSTS = new Set([3, 19]);

/**
 * Inspects a provider zip without unpacking it to disk: every file is streamed once through sha256 to compute
 * the `h1:` hash, and the layout is checked the way Terraform and OpenTofu will use it after unpacking.
 *
 * @throws InvalidArtifact `provider_zip_corrupt` (not a readable zip, encrypted entries, sizes or CRC-32s that
 *   do not match the content),
 *   `provider_zip_unsafe` (absolute or `..` names, backslashes, control characters, links, special files,
 *   duplicate names), `provider_zip_layout` (no single executable `terraform-provider-{type}[_v{version}][_xN][.exe]`
 *   at the root, or one without execute permission on a Unix platform)
 *   `provider_zip_too_large` (more entries or declared unpacked bytes than the limits: a decompression bomb)
 */
export async function inspectProviderZip(input: {
  file: string;
  type: string;
  version: string;
  os: string;
  limits?: ProviderZipLimits;
}): Promise<ProviderZipInfo> {
  const limits = input.limits ?? DEFAULT_PROVIDER_ZIP_LIMITS;
  let zip: yauzl.ZipFile;
  try {
    // Names are decoded by us from the raw bytes: Go (and so the clients' h1) uses the raw name, ignoring the
    // Info-ZIP Unicode path field yauzl would prefer, and yauzl's own name checks would hide which rule failed.
    zip = await yauzl.openPromise(input.file, {
      lazyEntries: true,
      validateEntrySizes: true,
      decodeStrings: false,
      autoClose: false,
    });
  } catch (err) {
    throw corrupt(`the provider zip cannot be read: ${(err as Error).message}`);
  }
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw tooLarge(`the provider zip has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`);
    }
    const files: (Hash1File & { mode: number; unixMode: boolean })[] = [];
    const seen = new Set<string>();
    let uncompressedBytes = 0;
    for await (const entry of readEntries(zip)) {
      const name = entryName(entry);
      if (seen.has(name)) throw unsafe(`the provider zip contains ${name} more than once`);
      seen.add(name);
      if (entry.isEncrypted()) throw corrupt(`the provider zip entry ${name} is encrypted`);
      // Only Unix hosts store a file type and permissions; Go (and so the clients' unzip) ignores them otherwise.
      const unixMode = UNIX_HOSTS.has(entry.versionMadeBy >> 8);
      const mode = unixMode ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
      const type = mode & S_IFMT;
      if (type === S_IFLNK) throw unsafe(`the provider zip entry ${name} is a symbolic link`);
      if (name.endsWith('/') || type === S_IFDIR) {
        // Unpacking creates directories anyway, and the clients hash the unpacked files: skip them for h1.
        if (entry.uncompressedSize > 0) throw unsafe(`the provider zip directory entry ${name} has content`);
        continue;
      }
      if (type !== 0 && type !== S_IFREG) throw unsafe(`the provider zip entry ${name} is not a regular file`);
      uncompressedBytes += entry.uncompressedSize;
      if (uncompressedBytes > limits.maxUncompressedBytes) {
        throw tooLarge(`the provider zip unpacks to more than the limit of ${limits.maxUncompressedBytes} bytes`);
      }
      files.push({ name, sha256: await hashEntry(zip, entry, name), mode, unixMode });
    }
    const executable = findExecutable(files, input);
    if (input.os !== 'windows' && !(executable.unixMode && (executable.mode & 0o111) !== 0)) {
      throw layout(`${executable.name} is not marked executable in the zip; store it with mode 0755`);
    }
    return { h1: hash1(files), executable: executable.name, uncompressedBytes };
  } finally {
    zip.close();
  }
}

async function* readEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  try {
    yield* zip.eachEntry();
  } catch (err) {
    throw corrupt(`the provider zip is damaged: ${(err as Error).message}`);
  }
}

/** Streams one entry through sha256, checking its CRC-32 as Go's unzip will (yauzl does not). */
async function hashEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<string> {
  const hash = createHash('sha256');
  let crc = 0;
  try {
    await pipeline(await zip.openReadStreamPromise(entry), async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        yield chunk;
      }
    }, hash);
  } catch (err) {
    throw corrupt(`the provider zip entry ${name} cannot be read: ${(err as Error).message}`);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) throw corrupt(`the provider zip entry ${name} fails its CRC-32 check`);
  return hash.digest('hex');
}

function entryName(entry: yauzl.Entry): string {
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(entry.fileNameRaw);
  } catch {
    throw unsafe('the provider zip has an entry whose name is not UTF-8');
  }
  const shown = JSON.stringify(name);
  if (name === '' || name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw unsafe(`the provider zip entry ${shown} has an absolute path`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(name)) {
    throw unsafe(`the provider zip entry ${shown} has a backslash or control character in its name`);
  }
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment === '')) {
    throw unsafe(`the provider zip entry ${shown} has a path that leaves or obscures the package directory`);
  }
  return name;
}

function findExecutable<T extends { name: string }>(files: T[], input: { type: string; version: string; os: string }): T {
  const suffix = input.os === 'windows' ? '\\.exe' : '';
  const pattern = new RegExp(
    `^terraform-provider-${escapeRegExp(input.type)}(_v${escapeRegExp(input.version)})?(_x\\d+)?${suffix}$`,
  );
  const expected = `terraform-provider-${input.type}_v${input.version}${input.os === 'windows' ? '.exe' : ''}`;
  const matches = files.filter((file) => pattern.test(file.name));
  if (matches.length > 1) {
    throw layout(`the provider zip has more than one provider executable: ${matches.map((f) => f.name).join(', ')}`);
  }
  if (matches.length === 0) {
    const nested = files.find((file) => pattern.test(file.name.slice(file.name.lastIndexOf('/') + 1)));
    throw layout(
      nested
        ? `the provider executable must be at the root of the zip, not at ${nested.name}`
        : `the provider zip has no executable named like ${expected} at its root`,
    );
  }
  return matches[0]!;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function corrupt(message: string): InvalidArtifact {
  return new InvalidArtifact(message, 'provider_zip_corrupt');
}

function unsafe(message: string): InvalidArtifact {
  return new InvalidArtifact(message, 'provider_zip_unsafe');
}

function layout(message: string): InvalidArtifact {
  return new InvalidArtifact(message, 'provider_zip_layout');
}

function tooLarge(message: string): InvalidArtifact {
  return new InvalidArtifact(message, 'provider_zip_too_large');
}
