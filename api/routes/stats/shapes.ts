import { z } from 'zod';

const day = z.iso.date();

/** Daily download counts: every day of the range, zeros included. */
export const downloadSeries = z.object({
  from: day,
  to: day,
  total: z.number().int(),
  days: z.array(z.object({ day, count: z.number().int() })),
});
export type DownloadSeries = z.infer<typeof downloadSeries>;
