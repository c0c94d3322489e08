import { z } from 'zod';

export const runParams = z.object({ id: z.uuid() });
export const decisionInput = z.object({ comment: z.string().trim().max(2000).optional() }).strict();
export const logsQuery = z.object({ phase: z.enum(['plan', 'apply']).optional() });
export const logSearchQuery = z.object({
  phase: z.enum(['plan', 'apply']).optional(),
  severity: z.enum(['info', 'warn', 'error']).optional(),
  q: z.string().max(200).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
