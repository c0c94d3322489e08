import type { Tx } from '../knex';

export interface VcsViolationRow {
  id: string;
  link_id: string;
  module_version_id: string;
  tag: string;
  version: string;
  recorded_sha: string | null;
  observed_sha: string;
  detected_by: string;
  workflow_id: string;
  detected_at: Date;
}

/** Records a moved tag once; returns null when this exact move was already on record. */
export async function recordVcsViolation(
  db: Tx,
  row: Omit<VcsViolationRow, 'id' | 'detected_at'>,
): Promise<VcsViolationRow | null> {
  const [inserted] = await db('vcs_violations').insert(row).onConflict(['link_id', 'version', 'observed_sha']).ignore().returning('*');
  return (inserted as VcsViolationRow | undefined) ?? null;
}

export async function listVcsViolations(db: Tx, linkId: string, limit: number): Promise<VcsViolationRow[]> {
  return db('vcs_violations').where({ link_id: linkId }).orderBy([{ column: 'detected_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
}
