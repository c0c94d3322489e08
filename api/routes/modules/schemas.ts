import { z } from 'zod';
import { catalogQuery } from '../search/schemas';

/** `GET /api/v1/modules`: the catalogue search narrowed to modules, ordered by address. */
export const moduleListQuery = catalogQuery.pick({ q: true, namespace: true, provider: true, page: true, per_page: true });

export const waitQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});
