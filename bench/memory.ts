import { readFileSync } from 'node:fs';

/** Resident memory of a process in MiB, from Linux's /proc (null elsewhere or when it is gone). */
export function rssMiB(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The API's resident memory once it has settled: sampled for `ms` after a pause, the smallest sample wins. */
export async function idleRssMiB(pid: number | null, ms = 3000): Promise<number | null> {
  if (pid === null) return null;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  let smallest: number | null = null;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const rss = rssMiB(pid);
    if (rss !== null) smallest = smallest === null ? rss : Math.min(smallest, rss);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return smallest;
}
