import { InvalidArtifact } from '../../errors';

/** Quotes an entry name for a message: escapes control bytes and keeps hostile names short. */
export function quoteName(name: string): string {
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return JSON.stringify(shown);
}

function traversal(name: string, why: string): InvalidArtifact {
  return new InvalidArtifact(`archive entry ${quoteName(name)} ${why}`, 'archive_path_traversal');
}

/**
 * Splits an archive entry name into safe path segments relative to the extraction directory.
 * `.` and empty segments are dropped (`./main.tf`, `dir/`), so `[]` means the archive root itself.
 *
 * Anything that could land outside the extraction directory or be read differently by another tool is
 * rejected rather than repaired: absolute names (`/x`, `C:x`, `\\host`), `..` segments, NUL bytes and
 * backslashes (a Windows tool would treat `a\..\..\x` as traversal even though POSIX does not).
 * @throws InvalidArtifact `archive_path_traversal`
 */
export function entrySegments(name: string): string[] {
  if (name.includes('\0')) throw traversal(name, 'contains a NUL byte');
  if (name.includes('\\')) throw traversal(name, 'contains a backslash; use "/" to separate directories');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw traversal(name, 'is an absolute path');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw traversal(name, 'contains a ".." segment');
  return segments;
}
