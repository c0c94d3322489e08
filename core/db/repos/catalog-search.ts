import type { Knex } from 'knex';
import type { Tx } from '../knex';

export type CatalogKindFilter = 'all' | 'module' | 'provider';
export type CatalogOrder = 'recent' | 'downloads' | 'name';

/** One search over the catalogue; the module and provider lists are this search with a kind filter. */
export interface CatalogQuery {
  kind: CatalogKindFilter;
  q?: string;
  namespace?: string;
  /** A module's provider/system, or a provider's type. */
  provider?: string;
  sort: CatalogOrder;
  limit: number;
  offset: number;
  /** Also list every namespace and provider, for filter menus. */
  facets?: boolean;
  /** Only namespaces that are public or belong to these organisations / namespace ids; undefined: everything. */
  readableBy?: ReadableScope;
}

/** What a principal may read beyond public namespaces (core/auth/policy.ts decides who gets which). */
export interface ReadableScope {
  orgIds: string[];
  namespaceIds: string[];
}

function onlyReadable(q: Knex.QueryBuilder, db: Tx, scope: ReadableScope | undefined): Knex.QueryBuilder {
  if (!scope) return q;
  return q.whereExists(
    db('namespaces as ns')
      .whereRaw('lower(ns.name) = lower(catalog.namespace)')
      .where((w) =>
        w
          .where('ns.visibility', 'public')
          .orWhereIn('ns.org_id', scope.orgIds)
          .orWhereIn('ns.id', scope.namespaceIds),
      ),
  );
}

export interface CatalogRow {
  kind: 'module' | 'provider';
  namespace: string;
  /** The module's name, or the provider's type. */
  name: string;
  /** The module's system; null for a provider. */
  system: string | null;
  description: string | null;
  downloads: string;
  /** Every published version, in no particular order: the latest is chosen by core/registry/latest-version.ts. */
  versions: string[];
  published_at: Date | null;
}

export interface CatalogResult {
  rows: CatalogRow[];
  total: number;
  facets?: { namespaces: string[]; providers: string[] };
}

function catalog(db: Tx): Knex.QueryBuilder {
  const modules = db('modules as m').select(
    db.raw(`'module' as kind`),
    'm.namespace',
    'm.name',
    'm.system',
    'm.description',
    'm.downloads',
    db.raw(`coalesce((select array_agg(v.version) from module_versions v where v.module_id = m.id), '{}') as versions`),
    db.raw('(select max(v.published_at) from module_versions v where v.module_id = m.id) as published_at'),
  );
  const providers = db('providers as p').select(
    db.raw(`'provider' as kind`),
    'p.namespace',
    db.raw('p.type as name'),
    db.raw('null::text as system'),
    'p.description',
    'p.downloads',
    db.raw(`coalesce((select array_agg(v.version) from provider_versions v where v.provider_id = p.id), '{}') as versions`),
    db.raw('(select max(v.published_at) from provider_versions v where v.provider_id = p.id) as published_at'),
  );
  return db.queryBuilder().from(modules.unionAll(providers, true).as('catalog'));
}

// Every ordering ends on the full identity (namespace, name, system, kind), so pages never overlap or skip.
const orderings: Record<CatalogOrder, string> = {
  recent: 'published_at desc nulls last, lower(namespace), lower(name), system nulls first, kind',
  downloads: 'downloads desc, lower(namespace), lower(name), system nulls first, kind',
  name: 'lower(namespace), lower(name), system nulls first, kind',
};

/**
 * The catalogue search behind `/api/v1/search`, `/api/v1/modules` and `/api/v1/providers`: one filter and
 * ranking for all three. `q` matches namespace, name, provider/system and description (case-insensitive
 * substring); `provider` matches a module's system or a provider's type; `kind` narrows to one kind.
 */
export async function searchCatalog(db: Tx, s: CatalogQuery): Promise<CatalogResult> {
  const filtered = onlyReadable(catalog(db), db, s.readableBy);
  if (s.kind !== 'all') filtered.where('kind', s.kind);
  if (s.namespace) filtered.whereRaw('lower(namespace) = lower(?)', [s.namespace]);
  if (s.provider) filtered.whereRaw('lower(coalesce(system, name)) = lower(?)', [s.provider]);
  if (s.q) {
    const like = `%${s.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filtered.where((w) =>
      w.whereILike('namespace', like).orWhereILike('name', like).orWhereILike('system', like).orWhereILike('description', like),
    );
  }
  const [countRows, rows, facets] = await Promise.all([
    filtered.clone().count({ count: '*' }) as unknown as Promise<{ count: string }[]>,
    filtered.clone().select('*').orderByRaw(orderings[s.sort]).limit(s.limit).offset(s.offset) as unknown as Promise<CatalogRow[]>,
    s.facets ? catalogFacets(db, s.readableBy) : undefined,
  ]);
  return { total: Number(countRows[0]?.count ?? 0), rows, ...(facets ? { facets } : {}) };
}

async function catalogFacets(db: Tx, scope: ReadableScope | undefined): Promise<{ namespaces: string[]; providers: string[] }> {
  const [namespaces, providers] = await Promise.all([
    onlyReadable(catalog(db), db, scope).distinct(db.raw('namespace')).orderBy('namespace').limit(500) as unknown as Promise<{ namespace: string }[]>,
    onlyReadable(catalog(db), db, scope).distinct(db.raw('coalesce(system, name) as provider')).orderBy('provider').limit(500) as unknown as Promise<{ provider: string }[]>,
  ]);
  return { namespaces: namespaces.map((n) => n.namespace), providers: providers.map((p) => p.provider) };
}
