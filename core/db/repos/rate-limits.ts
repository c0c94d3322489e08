import type { Tx } from '../knex';

/**
 * Counts one request for `key` in a fixed window of `windowSeconds` and returns how many seconds the caller must
 * wait (0: allowed). The counters live in `auth_throttle` next to the sign-in failures (distinct key prefixes),
 * so every API process shares them; one upsert per request, no lock held.
 */
export async function countRequest(db: Tx, key: string, limit: number, windowSeconds: number): Promise<number> {
  const result = await db.raw<{ rows: { count: number; retry: number }[] }>(
    `INSERT INTO auth_throttle AS t (key, failures, window_start) VALUES (?, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_start <= now() - make_interval(secs => ?) THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start <= now() - make_interval(secs => ?) THEN now() ELSE t.window_start END
     RETURNING failures AS count,
       greatest(1, ceil(extract(epoch FROM (window_start + make_interval(secs => ?) - now()))))::int AS retry`,
    [key, windowSeconds, windowSeconds, windowSeconds],
  );
  const row = result.rows[0]!;
  return row.count > limit ? row.retry : 0;
}
