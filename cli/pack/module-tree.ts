import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors';

/** One entry of a module archive, as read from disk. */
export interface TreeEntry {
  /** The archive name: relative, `/`-separated; directories end with `/`. */
  name: string;
  type: 'file' | 'directory';
  /** Where it is on disk. */
  path: string;
  /** Bytes of content (0 for directories). */
  size: number;
  /** Normalised: 0o755 for directories and files with any exec bit, otherwise 0o644. */
  mode: number;
}

// Never part of a module: VCS data, Terraform's working directory (which often holds symlinks to local
// modules), state files that may contain secrets, and Finder litter.
const EXCLUDED_NAMES = new Set(['.git', '.terraform', '.DS_Store']);
const EXCLUDED_SUFFIXES = ['.tfstate', '.tfstate.backup'];

/** True for a file or directory name (one path segment) that is left out of module archives. */
export function isExcluded(name: string): boolean {
  return EXCLUDED_NAMES.has(name) || EXCLUDED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** Bytewise order of the UTF-8 names, the same on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function describe(dirent: Dirent): string {
  if (dirent.isFIFO()) return 'a named pipe';
  if (dirent.isSocket()) return 'a socket';
  if (dirent.isCharacterDevice() || dirent.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** What to leave out of a tree, and how to say that nothing was left. */
export interface TreeRules {
  excluded(name: string): boolean;
  /** The error for a tree with no files. */
  empty(dir: string): string;
}

const MODULE_RULES: TreeRules = {
  excluded: isExcluded,
  empty: (dir) => `nothing to publish: ${dir} has no files (after leaving out .git, .terraform, state files and .DS_Store)`,
};

async function walk(root: string, prefix: string, out: TreeEntry[], rules: TreeRules): Promise<void> {
  const dirents = await readdir(prefix ? join(root, prefix) : root, { withFileTypes: true });
  for (const dirent of dirents) {
    if (rules.excluded(dirent.name)) continue;
    const name = prefix ? `${prefix}/${dirent.name}` : dirent.name;
    const path = join(root, name);
    if (dirent.name.includes('\\')) {
      throw new CliError(`${JSON.stringify(name)} has a backslash in its name, which the registry refuses; rename it`);
    }
    if (dirent.isSymbolicLink()) {
      throw new CliError(
        `${name} is a symbolic link: the registry accepts only regular files and directories. ` +
          'Replace it with a copy of what it points to, or move it out of the module',
      );
    }
    if (dirent.isDirectory()) {
      out.push({ name: `${name}/`, type: 'directory', path, size: 0, mode: 0o755 });
      await walk(root, name, out, rules);
    } else if (dirent.isFile()) {
      const stats = await lstat(path);
      out.push({ name, type: 'file', path, size: stats.size, mode: stats.mode & 0o111 ? 0o755 : 0o644 });
    } else {
      throw new CliError(`${name} is ${describe(dirent)}: the registry accepts only regular files and directories`);
    }
  }
}

/**
 * Lists what a module archive of `dir` holds: every file and directory below it except those `rules` exclude,
 * sorted bytewise by archive name (a directory before its contents).
 * @throws CliError for a symbolic link or special file anywhere in the tree, a backslash in a name, or a
 *   tree with no files
 */
export async function readModuleTree(dir: string, rules: TreeRules = MODULE_RULES): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  await walk(dir, '', entries, rules);
  if (!entries.some((e) => e.type === 'file')) throw new CliError(rules.empty(dir));
  return entries.sort((a, b) => compareNames(a.name, b.name));
}
