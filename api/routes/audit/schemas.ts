import { z } from 'zod';

const filters = {
  /** A user or token id, or an actor's label (a user's email also finds what their tokens did). */
  actor: z.string().trim().min(1).max(254).optional(),
  /** An action (`member.add`) or a prefix ending in `*` (`member.*`). */
  action: z.string().trim().min(1).max(100).optional(),
  target: z.string().trim().min(1).max(500).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  q: z.string().trim().min(1).max(200).optional(),
};

/** Filters of the audit list and export. */
export const auditFilters = z.object(filters);

/** `GET …/audit`: filters, the cursor of the previous page and a page size. */
export const auditListQuery = z.object({
  ...filters,
  cursor: z.string().regex(/^[0-9]{1,19}$/, 'a cursor from a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `GET …/audit/export`: the same filters, as CSV (default) or NDJSON. */
export const auditExportQuery = z.object({ ...filters, format: z.enum(['csv', 'ndjson']).default('csv') });

/** The platform-wide variants may narrow to one organisation by name. */
export const platformScope = z.object({ org: z.string().max(64).optional() });

export type AuditFilters = z.infer<typeof auditFilters>;
