import type { Tx } from '../knex';

/** Adds batched download counts: per version and day, and the running totals on versions and artifacts. */
export async function addDownloadCounts(db: Tx, counts: { kind: string; versionId: string; count: number }[]): Promise<void> {
  if (counts.length === 0) return;
  await db.transaction(async (tx) => {
    await tx('download_counts')
      .insert(counts.map((c) => ({ kind: c.kind, version_id: c.versionId, day: tx.raw('current_date'), count: c.count })))
      .onConflict(['kind', 'version_id', 'day'])
      .merge({ count: tx.raw('download_counts.count + excluded.count') });
    for (const c of counts) {
      if (c.kind === 'module') {
        const [row] = await tx('module_versions').where({ id: c.versionId }).increment('downloads', c.count).returning('module_id');
        if (row) await tx('modules').where({ id: (row as { module_id: string }).module_id }).increment('downloads', c.count);
      } else if (c.kind === 'provider') {
        const [row] = await tx('provider_platforms').where({ id: c.versionId }).increment('downloads', c.count).returning('version_id');
        if (row) {
          await tx('providers')
            .whereIn('id', tx('provider_versions').select('provider_id').where({ id: (row as { version_id: string }).version_id }))
            .increment('downloads', c.count);
        }
      }
    }
  });
}
