import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

export const role = z.enum(['reader', 'publisher', 'admin', 'owner']);

export const userSummary = z.object({ id: z.string(), email: z.string(), name: z.string(), platformAdmin: z.boolean() });
export type UserSummary = z.infer<typeof userSummary>;

export const loggedIn = z.object({ user: userSummary, csrfToken: z.string() });
export type LoggedIn = z.infer<typeof loggedIn>;

/** Who is asking: a user (with their organisations), or a service token (a platform admin without a user). */
export const me = z.object({
  kind: z.enum(['user', 'service']),
  user: userSummary.nullable(),
  tokenName: z.string().nullable(),
  platformAdmin: z.boolean(),
  scopes: z.array(z.enum(['read', 'publish', 'admin'])),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), role: role.nullable() })),
  /**
   * Namespaces a team gives a role on, on top of the organisation roles (someone in a team with one namespace
   * and no organisation role publishes there and nowhere else).
   */
  namespaces: z.array(z.object({ name: z.string(), organization: z.string(), role })),
  /** Present for a session: send it as `X-CSRF-Token` with every mutation. */
  csrfToken: z.string().nullable(),
});
export type Me = z.infer<typeof me>;

export const session = z.object({
  id: z.string(),
  current: z.boolean(),
  method: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: isoDateTime,
  lastSeenAt: isoDateTime,
  expiresAt: isoDateTime,
});
export const sessionList = itemsOf(session);
export type Session = z.infer<typeof session>;

export const createdUser = z.object({ id: z.string() });
export type CreatedUser = z.infer<typeof createdUser>;
export const userList = itemsOf(userSummary.extend({ createdAt: isoDateTime }));
