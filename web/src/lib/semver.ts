// A small semver comparison for ordering and picking the latest version in the browser (the server validated
// every version already); the full `semver` package would triple the bundle for this.

interface Parsed {
  nums: [number, number, number];
  pre: string[];
}

function parse(v: string): Parsed | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) return null;
  return { nums: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  if (!a.length || !b.length) return a.length ? -1 : b.length ? 1 : 0; // a release sorts after its pre-releases
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative when a < b, by semver precedence; unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (pa.nums[i] !== pb.nums[i]) return pa.nums[i]! - pb.nums[i]!;
  return comparePre(pa.pre, pb.pre);
}

export function isPrerelease(v: string): boolean {
  return (parse(v)?.pre.length ?? 0) > 0;
}

/** The highest release (or the highest pre-release when there is no release yet). */
export function latestVersion(versions: string[]): string | null {
  const stable = versions.filter((v) => !isPrerelease(v));
  const pool = stable.length ? stable : versions;
  return pool.reduce<string | null>((best, v) => (best === null || compareVersions(v, best) > 0 ? v : best), null);
}
