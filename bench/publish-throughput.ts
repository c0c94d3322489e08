import type { BenchApi, ModuleAddress } from './api-client';
import { smallModuleArchive } from './module-archive';

export const THROUGHPUT_MODULE: ModuleAddress = { namespace: 'bench', name: 'throughput', system: 'aws' };

export interface PublishThroughput {
  versions: number;
  clients: number;
  /** Wall time from the first upload until the last version is listed by the protocol endpoint. */
  totalMs: number;
  perSecond: number;
}

/**
 * `versions` small modules published by `clients` concurrent clients (each `?wait=true`, archives built
 * beforehand), timed until the protocol listing shows all of them: what a CI fleet pushing releases sees.
 */
export async function measurePublishThroughput(api: BenchApi, versions: number, clients: number): Promise<PublishThroughput> {
  const all = Array.from({ length: versions }, (_, i) => `2.${Math.floor(i / 100)}.${i % 100}`);
  const archives = new Map(await Promise.all(all.map(async (v) => [v, await smallModuleArchive(v)] as const)));
  const queue = [...all];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let version = queue.shift(); version !== undefined; version = queue.shift()) {
        await api.publishModule(THROUGHPUT_MODULE, version, archives.get(version)!);
      }
    }),
  );
  const listed = await api.moduleVersions(THROUGHPUT_MODULE);
  const missing = all.filter((v) => !listed?.includes(v));
  if (missing.length > 0) throw new Error(`${missing.length} published versions are not listed (first: ${missing[0]})`);
  const totalMs = performance.now() - started;
  return { versions, clients, totalMs, perSecond: (versions * 1000) / totalMs };
}
