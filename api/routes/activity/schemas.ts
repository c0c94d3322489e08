import { z } from 'zod';

import { workflowStatuses } from './shapes';

/**
 * Filters of the activity list. Values end up inside a Temporal visibility query, so each one is limited to a
 * character set that cannot break out of a quoted literal.
 */
export const activityListQuery = z.object({
  kind: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a workflow kind such as module-publish')
    .optional(),
  status: z.enum(workflowStatuses).optional(),
  q: z
    .string()
    .trim()
    .max(200)
    .regex(/^[A-Za-z0-9._/:@+-]*$/, 'letters, digits and . _ / : @ + - only')
    .optional()
    .transform((v) => v || undefined),
  pageToken: z
    .string()
    .max(4096)
    .regex(/^[A-Za-z0-9_-]*$/, 'the pageToken of a previous page')
    .optional()
    .transform((v) => v || undefined),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
});
export type ActivityListQuery = z.infer<typeof activityListQuery>;

/** The same shape the workflow status route accepts: `<kind>:<business key>`. */
export const WORKFLOW_ID = /^[a-z-]+:[^\s]{1,400}$/;
