import { z } from 'zod';
import type { CatalogQuery, CatalogSort } from '../../../core/db/repos/catalog-search';

const catalogSorts = ['recent', 'downloads', 'name'] as const satisfies readonly CatalogSort[];

export const catalogQuery = z.object({
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  namespace: z.string().trim().max(64).optional().transform((v) => v || undefined),
  /** A module's provider/system, or a provider's type. */
  provider: z.string().trim().max(64).optional().transform((v) => v || undefined),
  kind: z.enum(['all', 'module', 'provider']).default('all'),
  sort: z.enum(catalogSorts).default('recent'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
}) satisfies z.ZodType<CatalogQuery, unknown>;
