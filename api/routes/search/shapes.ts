import { z } from 'zod';
import { isoDateTime, pageOf } from '../common-shapes';

export const catalogSorts = ['recent', 'downloads', 'name'] as const;
export type CatalogSort = (typeof catalogSorts)[number];
export const catalogKinds = ['all', 'module', 'provider'] as const;
export type CatalogKind = (typeof catalogKinds)[number];

/** One search result: a module or a provider. */
export const catalogItem = z.object({
  kind: z.enum(['module', 'provider']),
  namespace: z.string(),
  /** The module's name, or the provider's type. */
  name: z.string(),
  /** The module's provider/system; null for a provider. */
  system: z.string().nullable(),
  description: z.string().nullable(),
  downloads: z.number().int(),
  /** The highest release (core/registry/latest-version.ts); null while nothing is published. */
  latestVersion: z.string().nullable(),
  versionCount: z.number().int(),
  publishedAt: isoDateTime.nullable(),
});
export type CatalogItem = z.infer<typeof catalogItem>;

/** A page of results, with every namespace and provider for the filter menus. */
export const catalogPage = pageOf(catalogItem).extend({
  facets: z.object({ namespaces: z.array(z.string()), providers: z.array(z.string()) }),
});
export type CatalogPage = z.infer<typeof catalogPage>;
