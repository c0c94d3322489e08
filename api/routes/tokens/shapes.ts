import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';

/** An API token as listed: never its secret. */
export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, to recognise it. */
  prefix: z.string(),
  scopes: z.array(z.enum(['read', 'publish', 'admin'])),
  createdAt: isoDateTime,
  expiresAt: isoDateTime.nullable(),
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type ApiToken = z.infer<typeof apiToken>;

export const apiTokenList = itemsOf(apiToken);
export type ApiTokenList = z.infer<typeof apiTokenList>;

/** The answer to creating a token: the only time the secret is shown. */
export const createdToken = apiToken.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof createdToken>;
