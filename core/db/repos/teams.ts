import type { Role } from '../../auth/policy';
import type { Tx } from '../knex';

export interface TeamRow {
  id: string;
  org_id: string;
  name: string;
  role: Role | null;
  sso_group: string | null;
  created_at: Date;
}

export interface TeamListRow extends TeamRow {
  member_count: number;
}

export interface TeamMemberRow {
  user_id: string;
  email: string;
  name: string;
  source: 'manual' | 'sso';
}

export interface TeamNamespaceRoleRow {
  namespace_id: string;
  namespace: string;
  role: Role;
}

const columns = ['t.id', 't.org_id', 't.name', 't.role', 't.sso_group', 't.created_at'];

export async function listTeams(db: Tx, orgId: string): Promise<TeamListRow[]> {
  const rows = await db('teams as t')
    .where('t.org_id', orgId)
    .select(columns)
    .select(db.raw('(select count(*) from team_members tm where tm.team_id = t.id)::int as member_count'))
    .orderByRaw('lower(t.name)');
  return rows as TeamListRow[];
}

/** The organisation's team of that name, whatever its case. */
export async function findTeam(db: Tx, orgId: string, name: string): Promise<TeamRow | undefined> {
  return db('teams as t').where('t.org_id', orgId).whereRaw('lower(t.name) = lower(?)', [name]).first(columns);
}

/** Creates the team; undefined when the organisation has one of that name already (any case). */
export async function insertTeam(db: Tx, team: { orgId: string; name: string; role: Role | null; ssoGroup: string | null }): Promise<TeamRow | undefined> {
  const [row] = await db('teams')
    .insert({ org_id: team.orgId, name: team.name, role: team.role, sso_group: team.ssoGroup })
    .onConflict(db.raw('(org_id, lower(name))'))
    .ignore()
    .returning(['id', 'org_id', 'name', 'role', 'sso_group', 'created_at']);
  return row as TeamRow | undefined;
}

export async function updateTeam(db: Tx, id: string, patch: { name?: string; role?: Role | null; ssoGroup?: string | null }): Promise<void> {
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.role !== undefined) changes.role = patch.role;
  if (patch.ssoGroup !== undefined) changes.sso_group = patch.ssoGroup;
  if (Object.keys(changes).length) await db('teams').where({ id }).update(changes);
}

/** Deletes the team; its memberships and namespace roles go with it (ON DELETE CASCADE). */
export async function deleteTeam(db: Tx, id: string): Promise<void> {
  await db('teams').where({ id }).delete();
}

export async function listTeamMembers(db: Tx, teamId: string): Promise<TeamMemberRow[]> {
  return db('team_members as tm')
    .join('users as u', 'u.id', 'tm.user_id')
    .where('tm.team_id', teamId)
    .select(['tm.user_id', 'u.email', 'u.name', 'tm.source'])
    .orderByRaw('lower(u.email)');
}

/** Adds the user to the team; false when they are in it already. */
export async function insertTeamMember(db: Tx, teamId: string, userId: string, source: 'manual' | 'sso'): Promise<boolean> {
  const rows = await db('team_members').insert({ team_id: teamId, user_id: userId, source }).onConflict(['team_id', 'user_id']).ignore().returning(['user_id']);
  return rows.length > 0;
}

export async function deleteTeamMember(db: Tx, teamId: string, userId: string): Promise<boolean> {
  return (await db('team_members').where({ team_id: teamId, user_id: userId }).delete()) > 0;
}

/** Takes the user out of every team of the organisation (when they leave it, their teams' roles go too). */
export async function deleteOrgTeamMemberships(db: Tx, orgId: string, userId: string): Promise<number> {
  return db('team_members')
    .where('user_id', userId)
    .whereIn('team_id', db('teams').where('org_id', orgId).select('id'))
    .delete();
}

export async function listTeamNamespaceRoles(db: Tx, teamId: string): Promise<TeamNamespaceRoleRow[]> {
  return db('team_namespace_roles as r')
    .join('namespaces as n', 'n.id', 'r.namespace_id')
    .where('r.team_id', teamId)
    .select(['r.namespace_id', 'n.name as namespace', 'r.role'])
    .orderByRaw('lower(n.name)');
}

/** Gives the team a role on the namespace, or changes it; returns the role it had before (null: none). */
export async function upsertTeamNamespaceRole(db: Tx, teamId: string, namespaceId: string, role: Role): Promise<Role | null> {
  const before = await db('team_namespace_roles').where({ team_id: teamId, namespace_id: namespaceId }).first(['role']);
  await db('team_namespace_roles').insert({ team_id: teamId, namespace_id: namespaceId, role }).onConflict(['team_id', 'namespace_id']).merge({ role });
  return (before?.role as Role | undefined) ?? null;
}

export async function deleteTeamNamespaceRole(db: Tx, teamId: string, namespaceId: string): Promise<boolean> {
  return (await db('team_namespace_roles').where({ team_id: teamId, namespace_id: namespaceId }).delete()) > 0;
}
