import { z } from 'zod';
import { isoDateTime } from '../common-shapes';

/** One audit entry: who did what to which target, from where, and how it ended. */
export const auditEntry = z.object({
  /** Increasing with time; also the keyset cursor. */
  id: z.string(),
  at: isoDateTime,
  actor: z.object({
    type: z.enum(['user', 'token', 'system', 'anonymous']),
    /** The user's or token's id (null for anonymous and system actors). */
    id: z.string().nullable(),
    /** A readable name: the user's email, the token's name, the workflow. */
    label: z.string().nullable(),
  }),
  /** The organisation's name (null for entries of no organisation, such as sign-ins). */
  organization: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  result: z.enum(['success', 'failure', 'denied']),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntryView = z.infer<typeof auditEntry>;

/** A page of entries, newest first; pass `nextCursor` as `cursor` for the next (null: this was the last). */
export const auditPage = z.object({ items: z.array(auditEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPage>;
