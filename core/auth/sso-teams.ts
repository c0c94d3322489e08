import type { Tx } from '../db/knex';
import { addSsoTeamMemberships, removeSsoTeamMemberships, teamIdsForSsoGroups } from '../db/repos/sso-memberships';

/**
 * Makes the user's SSO team memberships follow the groups their identity provider names at this sign-in: they
 * join every team (of any organisation) whose `sso_group` is one of the groups, and leave the teams they had
 * joined through SSO whose group is no longer named. Memberships added by hand are never touched.
 * Returns whether anything changed (the caller then drops cached identities).
 */
export async function syncSsoTeams(db: Tx, userId: string, groups: readonly string[]): Promise<{ added: number; removed: number }> {
  const teamIds = await teamIdsForSsoGroups(db, groups);
  const removed = await removeSsoTeamMemberships(db, userId, teamIds);
  const added = await addSsoTeamMemberships(db, userId, teamIds);
  return { added, removed };
}
