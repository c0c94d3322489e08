import type { Tx } from '../knex';

/** Seconds until the longest lock among `keys` ends (0: none is locked). */
export async function lockedFor(db: Tx, keys: string[]): Promise<number> {
  const row = await db('auth_throttle')
    .whereIn('key', keys)
    .where('locked_until', '>', db.fn.now())
    .max<{ until: Date | null }>('locked_until as until')
    .first();
  return row?.until ? Math.max(1, Math.ceil((new Date(row.until).getTime() - Date.now()) / 1000)) : 0;
}

/**
 * Counts a failure for `key` within a window of `windowSeconds`; at `limit` failures the key is locked for
 * `lockSeconds`. Returns whether it is now locked.
 */
export async function recordFailure(db: Tx, key: string, limit: number, windowSeconds: number, lockSeconds: number): Promise<boolean> {
  const result = await db.raw<{ rows: { locked: boolean }[] }>(
    `INSERT INTO auth_throttle AS t (key, failures, window_start) VALUES (?, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN t.window_start < now() - make_interval(secs => ?) THEN 1 ELSE t.failures + 1 END,
       window_start = CASE WHEN t.window_start < now() - make_interval(secs => ?) THEN now() ELSE t.window_start END
     RETURNING failures >= ? AS locked`,
    [key, windowSeconds, windowSeconds, limit],
  );
  const locked = Boolean(result.rows[0]?.locked);
  if (locked) {
    await db('auth_throttle').where({ key }).update({ locked_until: db.raw('now() + make_interval(secs => ?)', [lockSeconds]), failures: 0, window_start: db.fn.now() });
  }
  return locked;
}

export async function clearFailures(db: Tx, key: string): Promise<void> {
  await db('auth_throttle').where({ key }).delete();
}
