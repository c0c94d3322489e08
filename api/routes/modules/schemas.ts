import { z } from 'zod';

export const searchQuery = z.object({
  q: z.string().max(200).optional(),
  namespace: z.string().max(64).optional(),
  provider: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

export const waitQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});
