import { z } from 'zod';

export const catalogSorts = ['recent', 'downloads', 'name'] as const;
export type CatalogSort = (typeof catalogSorts)[number];

export const catalogQuery = z.object({
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  namespace: z.string().trim().max(64).optional().transform((v) => v || undefined),
  /** A module's provider/system, or a provider's type. */
  provider: z.string().trim().max(64).optional().transform((v) => v || undefined),
  kind: z.enum(['all', 'module', 'provider']).default('all'),
  sort: z.enum(catalogSorts).default('recent'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});
export type CatalogQuery = z.infer<typeof catalogQuery>;
