import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import pg from 'pg';
import { generateTestSigningKey, providerBinaries, TEST_PROVIDER, writeProviderRelease } from '../test/fixtures/provider-release';
import type { BenchApi, ModuleAddress } from './api-client';
import { LARGE_MODULE, largeModuleVersions, PRIVATE_MODULE, PRIVATE_MODULE_VERSIONS, PRIVATE_NAMESPACE, SMALL_MODULE, SMALL_MODULE_VERSIONS } from './catalogue';
import { smallModuleArchive } from './module-archive';
import type { RunningPlatform } from './platform-process';
import { checkPrivateReadsAreGated, createPrivateReader } from './seed-private';

/**
 * Seeds the catalogue the read benchmarks hit, through the real API: a small module with a few versions, the
 * real signed provider release (after registering its key), and a module with 1,000 versions — one published,
 * the rest copied from it with SQL, because publishing 999 archives would only measure the workflow. The same
 * small module and provider go into a private namespace too; returns the token of a reader of it.
 */
export async function seedCatalogue(platform: RunningPlatform, api: BenchApi, workDir: string): Promise<{ readerToken: string }> {
  for (const version of SMALL_MODULE_VERSIONS) await api.publishModule(SMALL_MODULE, version, await smallModuleArchive(version));
  const [first, ...copies] = largeModuleVersions();
  await api.publishModule(LARGE_MODULE, first!, await smallModuleArchive(first!));
  // Checked in SQL, not through the API: the first protocol read must find an empty cache (the cold timing).
  await copyModuleVersions(platform.databaseUrl, LARGE_MODULE, first!, copies);
  const readerToken = await createPrivateReader(api);
  for (const version of PRIVATE_MODULE_VERSIONS) await api.publishModule(PRIVATE_MODULE, version, await smallModuleArchive(version));
  await publishTestProvider(api, join(workDir, 'provider-release'), [TEST_PROVIDER.namespace, PRIVATE_NAMESPACE]);
  await checkPrivateReadsAreGated(api);
  return { readerToken };
}

/** Inserts `versions` sharing the archive and analysis of `from`, then announces the change like a publish does. */
async function copyModuleVersions(databaseUrl: string, a: ModuleAddress, from: string, versions: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const inserted = await client.query(
      `insert into module_versions (module_id, version, blob_key, format, sha256, size, analysis, source, workflow_id)
       select v.module_id, copy.version, v.blob_key, v.format, v.sha256, v.size, v.analysis, v.source, 'bench-seed'
       from module_versions v join modules m on m.id = v.module_id, unnest($5::text[]) as copy(version)
       where lower(m.namespace) = lower($1) and lower(m.name) = lower($2) and m.system = $3 and v.version = $4`,
      [a.namespace, a.name, a.system, from, versions],
    );
    if (inserted.rowCount !== versions.length) throw new Error(`inserted ${inserted.rowCount} module versions, expected ${versions.length}`);
    await client.query(`select pg_notify('strata_catalog', $1)`, [JSON.stringify({ kind: 'module', namespace: a.namespace, name: a.name })]);
  } finally {
    await client.end();
  }
}

/** Publishes the signed test provider release into each namespace (after registering its key there). */
async function publishTestProvider(api: BenchApi, dir: string, namespaces: string[]): Promise<void> {
  const key = await generateTestSigningKey();
  const release = await writeProviderRelease({
    dir,
    type: TEST_PROVIDER.type,
    version: TEST_PROVIDER.version,
    binaries: await providerBinaries(),
    key,
  });
  const files = await Promise.all(release.files.map(async (path) => ({ name: basename(path), bytes: await readFile(path) })));
  for (const namespace of namespaces) {
    await api.addGpgKey(namespace, key.publicArmored);
    await api.publishProvider(namespace, TEST_PROVIDER.type, TEST_PROVIDER.version, files);
  }
}
