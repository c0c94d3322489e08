import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'strata_';

/** A new API token: shown to its owner once; only its hash is stored. */
export function generateToken(): { token: string; prefix: string; hash: string } {
  const token = `${TOKEN_PREFIX}${randomBytes(30).toString('base64url')}`;
  return { token, prefix: displayPrefix(token), hash: hashToken(token) };
}

/**
 * Tokens are 240 random bits, so a fast unsalted SHA-256 is safe to store and lets lookups use an index
 * (a password hash such as scrypt would only slow down every authenticated request).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
