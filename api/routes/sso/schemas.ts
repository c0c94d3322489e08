import { z } from 'zod';

export const providerParams = z.object({ provider: z.string().max(40).regex(/^[a-z0-9-]+$/) });
/** `returnTo`: a path on this server to open after sign-in; anything else (another origin) is replaced by `/`. */
export const loginQuery = z.object({ returnTo: z.string().max(2000).optional() });
/** What the identity provider appends to the redirect URI (checked by the callback, not by this schema). */
export const callbackQuery = z.object({
  code: z.string().optional(),
  state: z.string().optional(),
  iss: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});
