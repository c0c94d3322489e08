import { sortVersionsDescending } from '../../registry/latest-version';
import type { Tx } from '../knex';

export interface ModuleAddress {
  namespace: string;
  name: string;
  system: string;
}

export interface ModuleRow extends ModuleAddress {
  id: string;
  description: string | null;
  downloads: string;
  created_at: Date;
  updated_at: Date;
}

export interface ModuleVersionRow {
  id: string;
  module_id: string;
  version: string;
  blob_key: string;
  format: string;
  sha256: string;
  size: string;
  analysis: unknown;
  source: string;
  commit_sha: string | null;
  repository: string | null;
  workflow_id: string;
  downloads: string;
  published_at: Date;
}

export function whereModule(db: Tx, a: ModuleAddress) {
  return db('modules')
    .whereRaw('lower(namespace) = lower(?)', [a.namespace])
    .whereRaw('lower(name) = lower(?)', [a.name])
    .where('system', a.system.toLowerCase());
}

export async function findModule(db: Tx, a: ModuleAddress): Promise<ModuleRow | undefined> {
  return whereModule(db, a).first();
}

/** Versions of a module, highest first, or undefined when the module does not exist. */
export async function listModuleVersionStrings(db: Tx, a: ModuleAddress): Promise<string[] | undefined> {
  const rows: { id: string; version: string | null }[] = await whereModule(db, a)
    .leftJoin('module_versions as v', 'v.module_id', 'modules.id')
    .select('modules.id', 'v.version');
  if (rows.length === 0) return undefined;
  return sortVersionsDescending(rows.flatMap((r) => (r.version ? [r.version] : [])));
}

export async function findModuleVersion(
  db: Tx,
  a: ModuleAddress,
  version: string,
): Promise<(ModuleVersionRow & ModuleAddress) | undefined> {
  return whereModule(db, a)
    .join('module_versions as v', 'v.module_id', 'modules.id')
    .where('v.version', version)
    .first('v.*', 'modules.namespace', 'modules.name', 'modules.system');
}

/** A module's versions, highest first (semver precedence). */
export async function listModuleVersions(db: Tx, moduleId: string): Promise<ModuleVersionRow[]> {
  const rows: ModuleVersionRow[] = await db('module_versions').where({ module_id: moduleId });
  return sortVersionsDescending(rows, (r) => r.version);
}

/** Creates the module on first publish (keeping the first spelling of its name) and returns its id. */
export async function upsertModule(db: Tx, a: ModuleAddress & { description?: string | null }): Promise<string> {
  const existing = await findModule(db, a);
  if (existing) {
    await db('modules').where({ id: existing.id }).update({ updated_at: db.fn.now(), ...(a.description ? { description: a.description } : {}) });
    return existing.id;
  }
  const [row] = await db('modules')
    .insert({ namespace: a.namespace, name: a.name, system: a.system.toLowerCase(), description: a.description ?? null })
    .onConflict(db.raw('(lower(namespace), lower(name), system)'))
    .merge({ updated_at: db.fn.now() })
    .returning('id');
  return String((row as { id: string }).id);
}

export async function insertModuleVersion(
  db: Tx,
  row: Omit<ModuleVersionRow, 'id' | 'downloads' | 'published_at' | 'analysis'> & { analysis: unknown; published_by: string | null },
): Promise<ModuleVersionRow> {
  const [inserted] = await db('module_versions')
    .insert({ ...row, analysis: JSON.stringify(row.analysis) })
    .returning('*');
  return inserted as ModuleVersionRow;
}
