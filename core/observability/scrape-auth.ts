import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Checks a scraper's `Authorization` header against `STRATA_METRICS_TOKEN` (constant time). Without a configured
 * token every scraper is allowed: the endpoints are then meant for an internal network.
 */
export function scrapeGuard(token: string | null): (authorization: string | undefined) => boolean {
  if (token === null) return () => true;
  const expected = digest(token);
  return (authorization) => {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}
