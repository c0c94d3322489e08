import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { InvalidArtifact } from '../../errors';
import { quoteName } from './entry-path';
import type { ExtractLimits } from './format';

/** O_EXCL refuses to reuse any existing path and O_NOFOLLOW refuses a symlink in the last component. */
const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export interface FileEntry {
  /** The entry name as it appears in the archive, for messages. */
  name: string;
  segments: string[];
  executable: boolean;
  /** The size the archive's header claims; checked up front so an honest bomb fails before any work. */
  declaredSize: number;
  content: AsyncIterable<Buffer>;
}

function hasCode(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/**
 * Writes validated archive entries under an empty destination directory and enforces the limits.
 * Both archive readers feed it, so every rule about what lands on disk lives here once.
 */
export class TreeWriter {
  files = 0;
  directories = 0;
  bytes = 0;
  private entries = 0;
  /** Paths named by an archive entry, to reject a second entry for the same path. */
  private readonly named = new Set<string>();
  /** Directories this writer created, explicitly or as parents of a file. */
  private readonly madeDirs = new Set<string>();

  constructor(
    private readonly destDir: string,
    private readonly limits: ExtractLimits,
    private readonly signal?: AbortSignal,
  ) {}

  /** Counts one archive entry of any kind against `maxEntries`. */
  countEntry(): void {
    this.signal?.throwIfAborted();
    this.entries += 1;
    this.expectEntries(this.entries);
  }

  /** Fails early when a format states its entry count before the entries. */
  expectEntries(count: number): void {
    if (count > this.limits.maxEntries) {
      throw new InvalidArtifact(`the archive has more than ${this.limits.maxEntries} entries`, 'archive_too_many_entries');
    }
  }

  async directory(name: string, segments: string[]): Promise<void> {
    if (segments.length === 0) return;
    this.claim(name, segments);
    await this.ensureDirectory(name, segments);
  }

  async file(entry: FileEntry): Promise<void> {
    const { name, segments } = entry;
    if (segments.length === 0) {
      throw new InvalidArtifact(`archive entry ${quoteName(name)} is a file without a name`, 'archive_path_traversal');
    }
    this.claim(name, segments);
    if (this.bytes + entry.declaredSize > this.limits.maxUncompressedBytes) throw this.tooLarge();
    await this.ensureDirectory(name, segments.slice(0, -1));

    const path = this.resolve(name, segments);
    const mode = entry.executable ? 0o755 : 0o644;
    let handle;
    try {
      handle = await open(path, CREATE_FILE, mode);
    } catch (err) {
      if (hasCode(err, 'EEXIST') || hasCode(err, 'ELOOP') || hasCode(err, 'EISDIR')) throw this.conflict(name);
      throw err;
    }
    try {
      // The umask may have narrowed the mode given to open.
      await handle.chmod(mode);
      for await (const chunk of entry.content) {
        this.signal?.throwIfAborted();
        // Counting what is actually written, not the header's claim, is what stops a lying bomb.
        if (this.bytes + chunk.length > this.limits.maxUncompressedBytes) throw this.tooLarge();
        // appendFile, unlike write, loops until the whole chunk is on disk.
        await handle.appendFile(chunk);
        this.bytes += chunk.length;
      }
    } finally {
      await handle.close();
    }
    this.files += 1;
  }

  /** Removes everything written so far, leaving the destination directory itself empty. */
  async clear(): Promise<void> {
    for (const child of await readdir(this.destDir)) {
      await rm(join(this.destDir, child), { recursive: true, force: true });
    }
  }

  private claim(name: string, segments: string[]): void {
    const key = segments.join('/');
    if (this.named.has(key)) {
      throw new InvalidArtifact(`the archive contains ${quoteName(key)} more than once`, 'archive_duplicate_entry');
    }
    this.named.add(key);
  }

  /** Creates each missing directory on the way, refusing anything in the way that is not a real directory. */
  private async ensureDirectory(name: string, segments: string[]): Promise<void> {
    for (let depth = 1; depth <= segments.length; depth += 1) {
      const key = segments.slice(0, depth).join('/');
      if (this.madeDirs.has(key)) continue;
      const path = this.resolve(name, segments.slice(0, depth));
      try {
        await mkdir(path);
        await chmod(path, 0o755);
        this.directories += 1;
      } catch (err) {
        if (!hasCode(err, 'EEXIST')) throw err;
        const existing = await lstat(path);
        if (!existing.isDirectory()) throw this.conflict(name);
      }
      this.madeDirs.add(key);
    }
  }

  private resolve(name: string, segments: string[]): string {
    const path = join(this.destDir, ...segments);
    const rel = relative(this.destDir, path);
    // entrySegments already forbids this; checked again because a mistake here writes outside destDir.
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new InvalidArtifact(`archive entry ${quoteName(name)} escapes the module directory`, 'archive_path_traversal');
    }
    return path;
  }

  private conflict(name: string): InvalidArtifact {
    return new InvalidArtifact(
      `archive entry ${quoteName(name)} collides with another entry of a different kind`,
      'archive_path_conflict',
    );
  }

  private tooLarge(): InvalidArtifact {
    const mib = Math.floor(this.limits.maxUncompressedBytes / (1024 * 1024));
    return new InvalidArtifact(
      `the archive expands to more than ${mib > 0 ? `${mib} MiB` : `${this.limits.maxUncompressedBytes} bytes`}`,
      'archive_too_large',
    );
  }
}
