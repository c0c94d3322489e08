import type { Knex } from 'knex';
import type { CatalogItem, CatalogKind, CatalogSort } from '../../api-shapes';
import type { Tx } from '../knex';

export type { CatalogItem, CatalogSort };


/** One search over modules and providers together (the API's `catalogQuery` schema produces it). */
export interface CatalogQuery {
  q?: string;
  namespace?: string;
  provider?: string;
  kind: CatalogKind;
  sort: CatalogSort;
  page: number;
  per_page: number;
}


interface Row {
  kind: 'module' | 'provider';
  namespace: string;
  name: string;
  system: string | null;
  description: string | null;
  downloads: string;
  latest_version: string | null;
  version_count: string;
  published_at: Date | null;
}

function catalog(db: Tx): Knex.QueryBuilder {
  const modules = db('modules as m').select(
    db.raw(`'module' as kind`),
    'm.namespace',
    'm.name',
    'm.system',
    'm.description',
    'm.downloads',
    db.raw('(select v.version from module_versions v where v.module_id = m.id order by v.published_at desc limit 1) as latest_version'),
    db.raw('(select count(*) from module_versions v where v.module_id = m.id) as version_count'),
    db.raw('(select max(v.published_at) from module_versions v where v.module_id = m.id) as published_at'),
  );
  const providers = db('providers as p').select(
    db.raw(`'provider' as kind`),
    'p.namespace',
    db.raw('p.type as name'),
    db.raw('null::text as system'),
    'p.description',
    'p.downloads',
    db.raw('(select v.version from provider_versions v where v.provider_id = p.id order by v.published_at desc limit 1) as latest_version'),
    db.raw('(select count(*) from provider_versions v where v.provider_id = p.id) as version_count'),
    db.raw('(select max(v.published_at) from provider_versions v where v.provider_id = p.id) as published_at'),
  );
  return db.queryBuilder().from(modules.unionAll(providers, true).as('catalog'));
}

const orderings: Record<CatalogSort, string> = {
  recent: 'published_at desc nulls last, lower(namespace), lower(name), system nulls first',
  downloads: 'downloads desc, lower(namespace), lower(name), system nulls first',
  name: 'lower(namespace), lower(name), system nulls first, kind',
};

/**
 * One search over modules and providers together, so a single sort and a single page span both kinds. `q`
 * matches namespace, name, provider/system and description (case-insensitive substring); `provider` matches a
 * module's system or a provider's type. Facets list every namespace and provider for the filter menus.
 */
export async function searchCatalog(
  db: Tx,
  s: CatalogQuery,
): Promise<{ items: CatalogItem[]; total: number; facets: { namespaces: string[]; providers: string[] } }> {
  const filtered = catalog(db);
  if (s.kind !== 'all') filtered.where('kind', s.kind);
  if (s.namespace) filtered.whereRaw('lower(namespace) = lower(?)', [s.namespace]);
  if (s.provider) filtered.whereRaw('lower(coalesce(system, name)) = lower(?)', [s.provider]);
  if (s.q) {
    const like = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filtered.where((w) =>
      w.whereILike('namespace', like).orWhereILike('name', like).orWhereILike('system', like).orWhereILike('description', like),
    );
  }
  const [countRows, rows, namespaces, providers] = await Promise.all([
    filtered.clone().count({ count: '*' }) as unknown as Promise<{ count: string }[]>,
    filtered
      .clone()
      .select('*')
      .orderByRaw(orderings[s.sort])
      .limit(s.per_page)
      .offset((s.page - 1) * s.per_page) as unknown as Promise<Row[]>,
    catalog(db).distinct(db.raw('namespace')).orderBy('namespace').limit(500) as unknown as Promise<{ namespace: string }[]>,
    catalog(db).distinct(db.raw('coalesce(system, name) as provider')).orderBy('provider').limit(500) as unknown as Promise<{ provider: string }[]>,
  ]);
  return {
    total: Number(countRows[0]?.count ?? 0),
    items: rows.map((r) => ({
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      system: r.system,
      description: r.description,
      downloads: Number(r.downloads),
      latestVersion: r.latest_version,
      versionCount: Number(r.version_count),
      publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    })),
    facets: { namespaces: namespaces.map((n) => n.namespace), providers: providers.map((p) => p.provider) },
  };
}
