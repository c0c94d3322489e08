import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/** Compares secrets in constant time, whatever their lengths (both sides are hashed to 32 bytes first). */
export function secretsEqual(expected: string, received: string): boolean {
  return timingSafeEqual(digest(expected), digest(received));
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the webhook secret>`.
 * The raw bytes must be the ones received (a re-serialised JSON body would not match).
 */
export function verifyGitHubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1]!, 'hex'));
}

/** GitLab: the secret token configured on the hook comes back verbatim in `X-Gitlab-Token`. */
export function verifyGitLabToken(secret: string, header: string | undefined): boolean {
  return typeof header === 'string' && header.length > 0 && secretsEqual(secret, header);
}

/** Azure DevOps service hooks: HTTP basic auth with the user name and password configured on the subscription. */
export function verifyBasicAuth(user: string, password: string, header: string | undefined): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared, so the time taken does not tell which one was wrong.
  const userOk = secretsEqual(user, decoded.slice(0, colon));
  const passwordOk = secretsEqual(password, decoded.slice(colon + 1));
  return userOk && passwordOk;
}
