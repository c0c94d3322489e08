import { z } from 'zod';

export const createToken = z.object({
  name: z.string().trim().min(1).max(100),
  /** The token stops working after this many days (none: until revoked). */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  /** Narrows the token below its owner's roles: `read` (reader), `publish` (publisher), `admin` (all of them). */
  scopes: z.array(z.enum(['read', 'publish', 'admin'])).min(1).max(3).optional(),
});
