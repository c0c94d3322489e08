import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact signed tokens for links in mails: `<base64url JSON>.<base64url HMAC-SHA256>`, keyed by the signing
 * secret and a purpose (a token made for one purpose never verifies for another).
 */
export function signToken(secret: string, purpose: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(secret, purpose, body)}`;
}

/** The payload of a token this secret signed for `purpose`, or null (forged, altered, malformed). */
export function verifyToken(secret: string, purpose: string, token: string): Record<string, unknown> | null {
  if (token.length > 2048) return null;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const expected = Buffer.from(mac(secret, purpose, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function mac(secret: string, purpose: string, body: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('base64url');
}
