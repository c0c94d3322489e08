import { z } from 'zod';

/*
 * Building blocks of the management API's response shapes. Shape modules (`api/routes/<area>/shapes.ts`) import
 * only zod and types, so the dashboard can import their `z.infer` types without pulling server code in.
 */

/** A timestamp as the API writes it: `Date#toISOString()`. */
export const isoDateTime = z.iso.datetime();

/** Every 4xx/5xx body: `{ "error": { "code", "message" } }`. */
export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** 202 of every endpoint that started a workflow: follow it at `statusUrl`. */
export const accepted = z.object({ workflowId: z.string(), statusUrl: z.url() });
export type Accepted = z.infer<typeof accepted>;

/** A list answered in one piece. */
export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** One page of a paginated list. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: z.number().int().min(1), perPage: z.number().int().min(1), total: z.number().int().min(0) });
