import { z } from 'zod';

/** OpenID Provider metadata (OpenID Connect Discovery 1.0 §3), the part Strata serves. */
export const openIdConfiguration = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  response_types_supported: z.array(z.string()),
  subject_types_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
  claims_supported: z.array(z.string()),
});

/** An RSA public key of the JWKS (RFC 7517). */
const publicJwk = z.object({
  kty: z.literal('RSA'),
  kid: z.string(),
  alg: z.literal('RS256'),
  use: z.literal('sig'),
  n: z.string(),
  e: z.string(),
});

export const jwks = z.object({ keys: z.array(publicJwk) });
