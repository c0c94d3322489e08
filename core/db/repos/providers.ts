import { sortVersionsDescending } from '../../registry/latest-version';
import type { Tx } from '../knex';

export interface ProviderAddress {
  namespace: string;
  type: string;
}

export interface ProviderRow extends ProviderAddress {
  id: string;
  description: string | null;
  downloads: string;
  created_at: Date;
  updated_at: Date;
}

export interface ProviderVersionRow {
  id: string;
  provider_id: string;
  version: string;
  protocols: string[];
  shasums_filename: string;
  shasums_key: string;
  signature_key: string;
  signing_key_id: string;
  workflow_id: string;
  published_at: Date;
}

export interface ProviderPlatformRow {
  id: string;
  version_id: string;
  os: string;
  arch: string;
  filename: string;
  blob_key: string;
  sha256: string;
  h1: string;
  size: string;
}

export function whereProvider(db: Tx, a: ProviderAddress) {
  return db('providers').whereRaw('lower(namespace) = lower(?)', [a.namespace]).whereRaw('lower(type) = lower(?)', [a.type]);
}

export async function findProvider(db: Tx, a: ProviderAddress): Promise<ProviderRow | undefined> {
  return whereProvider(db, a).first();
}

export async function upsertProvider(db: Tx, a: ProviderAddress): Promise<string> {
  const existing = await findProvider(db, a);
  if (existing) {
    await db('providers').where({ id: existing.id }).update({ updated_at: db.fn.now() });
    return existing.id;
  }
  const [row] = await db('providers')
    .insert({ namespace: a.namespace, type: a.type.toLowerCase() })
    .onConflict(db.raw('(lower(namespace), lower(type))'))
    .merge({ updated_at: db.fn.now() })
    .returning('id');
  return String((row as { id: string }).id);
}

export async function findProviderVersion(
  db: Tx,
  a: ProviderAddress,
  version: string,
): Promise<ProviderVersionRow | undefined> {
  return whereProvider(db, a)
    .join('provider_versions as v', 'v.provider_id', 'providers.id')
    .where('v.version', version)
    .first('v.*');
}

export interface VersionWithPlatforms extends ProviderVersionRow {
  platforms: ProviderPlatformRow[];
}

/**
 * Every version of a provider with its platforms (one query each), highest version first (semver precedence),
 * or undefined when the provider is unknown.
 */
export async function listProviderVersions(db: Tx, a: ProviderAddress): Promise<VersionWithPlatforms[] | undefined> {
  const provider = await findProvider(db, a);
  if (!provider) return undefined;
  const versions = sortVersionsDescending(
    (await db('provider_versions').where({ provider_id: provider.id })) as ProviderVersionRow[],
    (v) => v.version,
  );
  if (versions.length === 0) return [];
  const platforms: ProviderPlatformRow[] = await db('provider_platforms')
    .whereIn('version_id', versions.map((v) => v.id))
    .orderBy(['os', 'arch']);
  return versions.map((v) => ({ ...v, platforms: platforms.filter((p) => p.version_id === v.id) }));
}

export async function findPlatform(
  db: Tx,
  versionId: string,
  os: string,
  arch: string,
): Promise<ProviderPlatformRow | undefined> {
  return db('provider_platforms').where({ version_id: versionId, os, arch }).first();
}

export async function listPlatforms(db: Tx, versionId: string): Promise<ProviderPlatformRow[]> {
  return db('provider_platforms').where({ version_id: versionId }).orderBy(['os', 'arch']);
}

export async function insertProviderVersion(
  db: Tx,
  row: Omit<ProviderVersionRow, 'id' | 'published_at' | 'protocols'> & { protocols: string[]; published_by: string | null },
  platforms: Omit<ProviderPlatformRow, 'id' | 'version_id'>[],
): Promise<ProviderVersionRow> {
  const [version] = (await db('provider_versions')
    .insert({ ...row, protocols: JSON.stringify(row.protocols) })
    .returning('*')) as ProviderVersionRow[];
  await db('provider_platforms').insert(platforms.map((p) => ({ ...p, version_id: version!.id })));
  return version!;
}
