import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pg from 'pg';
import { generateTestSigningKey, providerBinaries, TEST_PROVIDER, writeProviderRelease } from '../test/fixtures/provider-release';
import { BenchApi, type ModuleAddress } from './api-client';
import { smallModuleArchive } from './module-archive';
import type { RunningPlatform } from './platform-process';

export const SMALL_MODULE: ModuleAddress = { namespace: 'bench', name: 'small', system: 'aws' };
export const LARGE_MODULE: ModuleAddress = { namespace: 'bench', name: 'many', system: 'aws' };
export const SMALL_MODULE_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'];
export const LARGE_MODULE_VERSION_COUNT = 1000;

/**
 * Seeds the catalogue the read benchmarks hit, through the real API: a small module with a few versions, the
 * real signed provider release (after registering its key), and a module with 1,000 versions — one published,
 * the rest copied from it with SQL, because publishing 999 archives would only measure the workflow.
 */
export async function seedCatalogue(platform: RunningPlatform, api: BenchApi, workDir: string): Promise<void> {
  for (const version of SMALL_MODULE_VERSIONS) await api.publishModule(SMALL_MODULE, version, await smallModuleArchive(version));
  await api.publishModule(LARGE_MODULE, '1.0.0', await smallModuleArchive('1.0.0'));
  await copyModuleVersions(platform.databaseUrl, LARGE_MODULE, '1.0.0', LARGE_MODULE_VERSION_COUNT - 1);
  const listed = await api.moduleVersions(LARGE_MODULE);
  if (listed?.length !== LARGE_MODULE_VERSION_COUNT) {
    throw new Error(`expected ${LARGE_MODULE_VERSION_COUNT} versions of the large module, the registry lists ${listed?.length}`);
  }
  await publishTestProvider(api, join(workDir, 'provider-release'));
}

/** Inserts `count` extra versions (2.x.y) sharing the archive and analysis of `from`, then announces the change. */
async function copyModuleVersions(databaseUrl: string, a: ModuleAddress, from: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const inserted = await client.query(
      `insert into module_versions (module_id, version, blob_key, format, sha256, size, analysis, source, workflow_id)
       select v.module_id, '2.' || (g / 100) || '.' || (g % 100), v.blob_key, v.format, v.sha256, v.size, v.analysis, v.source, 'bench-seed'
       from module_versions v join modules m on m.id = v.module_id, generate_series(0, $5::int - 1) g
       where lower(m.namespace) = lower($1) and lower(m.name) = lower($2) and m.system = $3 and v.version = $4`,
      [a.namespace, a.name, a.system, from, count],
    );
    if (inserted.rowCount !== count) throw new Error(`inserted ${inserted.rowCount} module versions, expected ${count}`);
    await client.query(`select pg_notify('strata_catalog', $1)`, [JSON.stringify({ kind: 'module', namespace: a.namespace, name: a.name })]);
  } finally {
    await client.end();
  }
}

async function publishTestProvider(api: BenchApi, dir: string): Promise<void> {
  const key = await generateTestSigningKey();
  const release = await writeProviderRelease({
    dir,
    type: TEST_PROVIDER.type,
    version: TEST_PROVIDER.version,
    binaries: await providerBinaries(),
    key,
  });
  await api.addGpgKey(TEST_PROVIDER.namespace, key.publicArmored);
  const files = await Promise.all(release.files.map(async (path) => ({ name: basename(path), bytes: await readFile(path) })));
  await api.publishProvider(TEST_PROVIDER.namespace, TEST_PROVIDER.type, TEST_PROVIDER.version, files);
}
