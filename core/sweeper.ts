import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from './log';
import type { BlobStorage } from './storage/storage';

/** Prefix of every temporary directory the worker's activities create (see {@link workTempPrefix}). */
const WORK_PREFIX = 'strata-work-';

/** The `mkdtemp` prefix for an activity's scratch directory; the sweeper recognises (only) these. */
export function workTempPrefix(kind: string): string {
  return join(tmpdir(), `${WORK_PREFIX}${kind}-`);
}

export interface SweepResult {
  stagedObjects: number;
  tempDirs: number;
}

/**
 * Removes what crashed or abandoned work can leave behind: staged uploads (`staging/` in storage), writes a
 * killed process never finished (the store's partial-writes folder, where it has one) and the worker's scratch
 * directories older than `maxAgeHours`. Publishes finish in minutes, so anything that old has
 * no workflow left that could still use it.
 */
export async function sweepOnce(input: { storage: BlobStorage; maxAgeHours: number; tempDir?: string; now?: Date }): Promise<SweepResult> {
  const before = new Date((input.now ?? new Date()).getTime() - input.maxAgeHours * 3_600_000);
  const partials = input.storage.capabilities.partialWritesPrefix;
  let stagedObjects = await input.storage.deleteOlderThan('staging/', before);
  if (partials) stagedObjects += await input.storage.deleteOlderThan(partials, before);
  const dir = input.tempDir ?? tmpdir();
  let tempDirs = 0;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(WORK_PREFIX)) continue;
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isDirectory() && info.mtime < before) {
      await rm(join(dir, name), { recursive: true, force: true });
      tempDirs++;
    }
  }
  return { stagedObjects, tempDirs };
}

/** Sweeps at start-up and then every `intervalMinutes` (default: a sixth of the maximum age, at most hourly). */
export function startSweeper(input: { storage: BlobStorage; maxAgeHours: number; log: Logger; intervalMinutes?: number }): { stop(): void } {
  const run = () =>
    sweepOnce(input).then(
      (r) => {
        if (r.stagedObjects + r.tempDirs > 0) input.log.info(r, 'swept abandoned staging and temp files');
      },
      (err: unknown) => input.log.warn({ err }, 'sweeping staging and temp files failed; will retry'),
    );
  void run();
  const minutes = input.intervalMinutes ?? Math.min(60, Math.max(1, (input.maxAgeHours * 60) / 6));
  const timer = setInterval(() => void run(), minutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
