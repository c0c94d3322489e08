import type { Tx } from '../knex';

/** Ids of the teams (in any organisation) whose SSO group is one of `groups`. */
export async function teamIdsForSsoGroups(db: Tx, groups: readonly string[]): Promise<string[]> {
  if (!groups.length) return [];
  const rows: { id: string }[] = await db('teams').whereIn('sso_group', [...groups]).select('id');
  return rows.map((r) => r.id);
}

/** Adds the user to the teams as an SSO member; a membership the user has already (manual or SSO) is kept as it is. */
export async function addSsoTeamMemberships(db: Tx, userId: string, teamIds: readonly string[]): Promise<number> {
  if (!teamIds.length) return 0;
  const inserted = await db('team_members')
    .insert(teamIds.map((teamId) => ({ team_id: teamId, user_id: userId, source: 'sso' })))
    .onConflict(['team_id', 'user_id'])
    .ignore()
    .returning('team_id');
  return inserted.length;
}

/** Removes the user's SSO-sourced memberships of teams other than `keepTeamIds`; manual memberships stay. */
export async function removeSsoTeamMemberships(db: Tx, userId: string, keepTeamIds: readonly string[]): Promise<number> {
  const q = db('team_members').where({ user_id: userId, source: 'sso' });
  if (keepTeamIds.length) q.whereNotIn('team_id', [...keepTeamIds]);
  return q.delete();
}
