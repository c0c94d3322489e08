import { z } from 'zod';

export const liveness = z.object({ status: z.literal('ok') });

/** Each dependency is `ok` or the reason it is not. */
export const readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({ postgres: z.string(), temporal: z.string() }),
});
export type Readiness = z.infer<typeof readiness>;
