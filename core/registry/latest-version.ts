import compare from 'semver/functions/compare.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';

/*
 * The one definition of version order and of "the latest version", shared by the API (search, detail pages,
 * version lists), the dashboard and the CLI. Pure: no Node built-ins, so the browser bundle can import it.
 * Per-function `semver` imports keep the bundle to the comparison code only.
 */

/**
 * Negative when `a` sorts before `b`: semver precedence; versions equal by precedence (they differ in build
 * metadata only) by their text, so an order never depends on the order rows came in. Strings that are not
 * semver sort before every version.
 */
export function compareVersions(a: string, b: string): number {
  const va = valid(a);
  const vb = valid(b);
  if (!va || !vb) return va ? 1 : vb ? -1 : a < b ? -1 : a > b ? 1 : 0;
  return compare(va, vb) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A copy, highest version first: the order every version list in an API answer comes in. */
export function sortVersionsDescending<T>(items: readonly T[], version: (item: T) => string): T[];
export function sortVersionsDescending(items: readonly string[]): string[];
export function sortVersionsDescending<T>(items: readonly T[], version: (item: T) => string = (v) => v as string): T[] {
  return [...items].sort((x, y) => compareVersions(version(y), version(x)));
}

export function isPrerelease(v: string): boolean {
  return (prerelease(v)?.length ?? 0) > 0;
}

/** The highest release; the highest pre-release only when there is no release; null for no (valid) versions. */
export function latestVersion(versions: readonly string[]): string | null {
  const known = versions.filter((v) => valid(v) !== null);
  const releases = known.filter((v) => !isPrerelease(v));
  const pool = releases.length > 0 ? releases : known;
  return pool.reduce<string | null>((best, v) => (best === null || compareVersions(v, best) > 0 ? v : best), null);
}
