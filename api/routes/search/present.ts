import type { CatalogRow } from '../../../core/db/repos/catalog-search';
import { latestVersion } from '../../../core/registry/latest-version';
import type { CatalogItem } from './shapes';

/** One search result; declared in ./shapes.ts. */
export function presentCatalogItem(r: CatalogRow): CatalogItem {
  return {
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    system: r.system,
    description: r.description,
    downloads: Number(r.downloads),
    latestVersion: latestVersion(r.versions),
    versionCount: r.versions.length,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
  };
}
