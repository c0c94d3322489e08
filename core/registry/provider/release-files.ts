import { InvalidArtifact } from '../../errors';

/** What a goreleaser release file is, judged from its name alone. */
export type ReleaseFileKind = { kind: 'shasums' } | { kind: 'signature' } | { kind: 'zip'; os: string; arch: string };

const PLATFORM_ZIP = /^([a-z0-9]+)_([a-z0-9]+)\.zip$/;

/**
 * Recognises the goreleaser file names of provider `type` at `version`:
 * `terraform-provider-{type}_{version}_SHA256SUMS`, `…_SHA256SUMS.sig` and `…_{os}_{arch}.zip`.
 * Returns null for anything else (manifests, other providers or versions, other checksum algorithms),
 * so an upload can ignore files it does not publish. Names are compared byte for byte: the client
 * later asks for exactly the names listed in SHA256SUMS.
 */
export function classifyReleaseFile(input: { type: string; version: string; filename: string }): ReleaseFileKind | null {
  const prefix = `terraform-provider-${input.type}_${input.version}_`;
  if (!input.filename.startsWith(prefix)) return null;
  const rest = input.filename.slice(prefix.length);
  if (rest === 'SHA256SUMS') return { kind: 'shasums' };
  if (rest === 'SHA256SUMS.sig') return { kind: 'signature' };
  const platform = PLATFORM_ZIP.exec(rest);
  if (!platform) return null;
  return { kind: 'zip', os: platform[1]!, arch: platform[2]! };
}

// `sha256sum` writes two spaces for text mode and ` *` for binary mode; both name the same file.
const SHASUMS_LINE = /^([0-9a-f]{64}) [ *](.+)$/;

/**
 * Strictly parses a SHA256SUMS file: one `<64 lowercase hex>  <filename>` line per file (a ` *` binary
 * marker is accepted instead of the second space), LF or CRLF endings, a final newline optional.
 * Strict because the client matches the filename and hash byte for byte; anything we would have to guess
 * at is a file the client may read differently.
 *
 * @returns filename → lowercase hex sha256
 * @throws InvalidArtifact `shasums_invalid` on any malformed, blank or duplicate line, or an empty file
 */
export function parseShasums(bytes: Buffer): Map<string, string> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalid('SHA256SUMS is not valid UTF-8 text');
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const sums = new Map<string, string>();
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const match = SHASUMS_LINE.exec(line);
    if (!match) {
      throw invalid(`SHA256SUMS line ${index + 1} is not "<64 lowercase hex digits>  <filename>"`);
    }
    const [, hash, filename] = match as unknown as [string, string, string];
    if (sums.has(filename)) throw invalid(`SHA256SUMS lists ${filename} more than once`);
    sums.set(filename, hash);
  });
  if (sums.size === 0) throw invalid('SHA256SUMS lists no files');
  return sums;
}

function invalid(message: string): InvalidArtifact {
  return new InvalidArtifact(message, 'shasums_invalid');
}
