import type { RateLimit } from '../core/config';
import type { Db } from '../core/db/knex';
import { countRequest } from '../core/db/repos/rate-limits';
import { RateLimited } from '../core/errors';

/**
 * Counts one request against `limit` for `subject` (a principal id, an email, an address) and throws
 * {@link RateLimited} (429 with `Retry-After`) once the window's budget is spent.
 */
export async function enforceRateLimit(db: Db, bucket: string, subject: string, limit: RateLimit, what: string): Promise<void> {
  if (limit.limit <= 0) return;
  const retryAfter = await countRequest(db, `rate:${bucket}:${subject}`, limit.limit, limit.windowSeconds);
  if (retryAfter > 0) {
    throw new RateLimited(`too many ${what}: at most ${limit.limit} per ${Math.round(limit.windowSeconds / 60)} minutes; retry in ${retryAfter} s`, retryAfter);
  }
}
