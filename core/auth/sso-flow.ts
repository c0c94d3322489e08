import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a browser carries from the redirect to the identity provider back to the callback: the values that bind
 * the answer to this browser and this request (state, nonce, PKCE verifier) and where to go afterwards.
 */
export interface SsoFlow {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Epoch milliseconds after which the callback refuses the flow. */
  expiresAt: number;
}

export const SSO_FLOW_TTL_MS = 10 * 60 * 1000;

function mac(secret: string, payload: string): Buffer {
  // A purpose prefix keeps these MACs apart from other HMACs made with the same signing secret (CSRF tokens).
  return createHmac('sha256', secret).update(`sso-flow:${payload}`).digest();
}

/** The flow as a cookie value: the payload in base64url, a dot, its HMAC. Not encrypted: it goes only to us. */
export function sealFlow(flow: SsoFlow, secret: string): string {
  const payload = Buffer.from(JSON.stringify(flow)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The flow of a cookie value; null when it is missing, forged, altered or expired. */
export function openFlow(value: string | undefined, secret: string, now = Date.now()): SsoFlow | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  if (dot < 1) return null;
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1), 'base64url');
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let flow: SsoFlow;
  try {
    flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SsoFlow;
  } catch {
    return null;
  }
  if (typeof flow.expiresAt !== 'number' || flow.expiresAt < now) return null;
  return flow;
}

/** Constant-time equality of two strings (state values). */
export function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Where to send the browser after sign-in: a path on this server, never another origin (an open redirect would
 * let a phishing link borrow Strata's sign-in). Anything else becomes `/`.
 */
export function safeReturnTo(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value.length > 2000 || !value.startsWith('/')) return '/';
  // `//evil.test` and `/\evil.test` are scheme-relative URLs to browsers; control characters can hide either.
  if (value.startsWith('//') || value.startsWith('/\\') || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return '/';
  const base = new URL(publicUrl);
  const target = new URL(value, base);
  if (target.origin !== base.origin) return '/';
  return `${target.pathname}${target.search}${target.hash}`;
}
