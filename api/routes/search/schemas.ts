import { z } from 'zod';
import { catalogKinds, catalogSorts } from './shapes';

const filter = (max: number) => z.string().trim().max(max).optional().transform((v) => v || undefined);

/** Query of `/api/v1/search`; the module and provider lists take a subset of it (their own schemas.ts). */
export const catalogQuery = z.object({
  q: filter(200),
  namespace: filter(64),
  /** A module's provider/system, or a provider's type. */
  provider: filter(64),
  kind: z.enum(catalogKinds).default('all'),
  sort: z.enum(catalogSorts).default('recent'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});
export type CatalogQueryParams = z.infer<typeof catalogQuery>;
