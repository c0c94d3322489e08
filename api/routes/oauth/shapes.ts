import { z } from 'zod';

/** The token endpoint's answer (RFC 6749 §5.1): a personal API token of the user; no refresh token, no expiry. */
export const loginToken = z.object({ access_token: z.string(), token_type: z.literal('bearer') });
export type LoginToken = z.infer<typeof loginToken>;

/** The token endpoint's errors follow OAuth (RFC 6749 §5.2), not the API's `{ error: { code, message } }`. */
export const oauthError = z.object({
  error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type']),
  error_description: z.string(),
});
export type OAuthError = z.infer<typeof oauthError>;
