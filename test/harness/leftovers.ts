import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Platform } from './platform';

async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** What a failed publish could leave behind: staged uploads (and partial writes), stored blobs, catalogue rows. */
export async function leftovers(platform: Platform) {
  const [modules, moduleVersions, providers, providerVersions] = await Promise.all(
    ['modules', 'module_versions', 'providers', 'provider_versions'].map(async (t) =>
      Number(((await platform.db(t).count({ n: '*' })) as [{ n: string }])[0].n),
    ),
  );
  const s = platform.config.storage;
  if (s.kind !== 'local') throw new Error('leftovers() inspects local storage only');
  return {
    staged: [...(await filesUnder(join(s.dir, 'staging'))), ...(await filesUnder(join(s.dir, platform.storage.capabilities.partialWritesPrefix!)))],
    blobs: await filesUnder(join(s.dir, 'sha256')),
    rows: { modules, moduleVersions, providers, providerVersions },
  };
}
