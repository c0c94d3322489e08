import { z } from 'zod';

export const downloadsQuery = z.object({
  /** How many days back from today (inclusive of today). */
  days: z.coerce.number().int().min(1).max(3660).default(90),
  /** Only this version's downloads; all versions when absent. */
  version: z.string().max(128).optional(),
});
