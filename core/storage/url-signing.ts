import { createHmac, timingSafeEqual } from 'node:crypto';

/** Route prefix under which the API serves (local storage) or redirects to (object stores) signed blobs. */
export const BLOB_ROUTE = '/blobs/';

/**
 * HMAC-signed, expiring URLs for blobs. Terraform/OpenTofu fetch archives and release files without the
 * registry token, so the URL itself carries the authorisation.
 */
export function signBlobPath(secret: string, path: string, expiresUnix: number): string {
  return createHmac('sha256', secret).update(`${path}\n${expiresUnix}`).digest('base64url');
}

export function verifyBlobSignature(input: {
  secret: string;
  path: string;
  expires: string | null;
  signature: string | null;
  nowUnix: number;
}): boolean {
  if (!input.expires || !input.signature || !/^\d{1,12}$/.test(input.expires)) return false;
  const expires = Number(input.expires);
  if (expires < input.nowUnix) return false;
  const expected = Buffer.from(signBlobPath(input.secret, input.path, expires));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Expiry times are rounded up to a bucket so that a signed URL is stable for a while: protocol responses that
 * embed it can be cached and served pre-serialised. Returns the expiry and until when a cached body stays fresh
 * (it must never hand out a URL with less than half its lifetime left).
 */
export function bucketedExpiry(nowMs: number, ttlSeconds: number): { expiresAt: Date; freshUntilMs: number } {
  const bucketMs = Math.max(1, Math.floor(ttlSeconds / 2)) * 1000;
  const expiresMs = Math.ceil((nowMs + ttlSeconds * 1000) / bucketMs) * bucketMs;
  return { expiresAt: new Date(expiresMs), freshUntilMs: expiresMs - ttlSeconds * 500 };
}

/**
 * The registry's own download link for a stored key: `<publicUrl>/blobs/<key>?expires=…&signature=…`. The path
 * ends with the key (a `.tar.gz` stays visible to go-getter) and the link answers GET and HEAD on every backend.
 */
export function blobLink(input: { publicUrl: string; secret: string; key: string; expiresAt: Date }): string {
  const path = `${BLOB_ROUTE}${input.key.split('/').map(encodeURIComponent).join('/')}`;
  const expires = Math.floor(input.expiresAt.getTime() / 1000);
  return `${input.publicUrl}${path}?expires=${expires}&signature=${signBlobPath(input.secret, path, expires)}`;
}

/** The key a blob link's path names, or null when it is not a well-formed blob path. */
export function blobLinkKey(path: string): string | null {
  if (!path.startsWith(BLOB_ROUTE)) return null;
  try {
    return path.slice(BLOB_ROUTE.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
}
