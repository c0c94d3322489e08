import { z } from 'zod';

// Printable ASCII only: these values travel in URLs and are compared byte for byte.
const printable = (max: number) => z.string().max(max).regex(/^[\x21-\x7e]*$/, 'must be printable ASCII without spaces');

/** `GET /oauth/authorize` (RFC 6749 §4.1.1 with RFC 7636's PKCE parameters). */
export const authorizeQuery = z.object({
  response_type: z.literal('code'),
  client_id: printable(200),
  redirect_uri: printable(2048),
  state: printable(1024).optional(),
  scope: z.string().max(1024).optional(),
  /** base64url(sha256(verifier)): always 43 characters. */
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 (43 characters)'),
  code_challenge_method: z.literal('S256'),
});

/** `POST /oauth/token`, form-encoded (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const tokenRequest = z.object({
  grant_type: z.string().max(100),
  code: printable(512).min(1),
  client_id: printable(200),
  redirect_uri: printable(2048),
  /** RFC 7636 §4.1: 43 to 128 unreserved characters. */
  code_verifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43 to 128 unreserved characters'),
});
export type TokenRequest = z.infer<typeof tokenRequest>;
