import type { Tx } from '../knex';

/** One day of a download series; `day` is `YYYY-MM-DD` (UTC calendar day as PostgreSQL's `current_date`). */
export interface DayCount {
  day: string;
  count: number;
}

/**
 * Daily module downloads from `download_counts` (flushed in batches by the protocol fast path), summed over
 * the module's versions or for one version, for the last `days` days. Also returns today's date as the
 * database sees it, so the series and the counters agree on where a day starts.
 */
export async function moduleDailyDownloads(
  db: Tx,
  input: { moduleId: string; version?: string; days: number },
): Promise<{ today: string; counted: DayCount[] }> {
  const query = db('download_counts as dc')
    .join('module_versions as v', 'v.id', 'dc.version_id')
    .where('dc.kind', 'module')
    .where('v.module_id', input.moduleId)
    .whereRaw('dc.day > current_date - ?::int', [input.days])
    .groupBy('dc.day')
    .orderBy('dc.day')
    .select(db.raw(`to_char(dc.day, 'YYYY-MM-DD') as day`), db.raw('sum(dc.count)::bigint as count'));
  if (input.version) query.where('v.version', input.version);
  const [rows, today] = await Promise.all([
    query as unknown as Promise<{ day: string; count: string }[]>,
    db.raw(`select to_char(current_date, 'YYYY-MM-DD') as today`) as Promise<{ rows: { today: string }[] }>,
  ]);
  return { today: today.rows[0]!.today, counted: rows.map((r) => ({ day: r.day, count: Number(r.count) })) };
}
