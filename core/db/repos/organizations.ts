import type { Role } from '../../auth/policy';
import type { Tx } from '../knex';

export interface OrgRow {
  id: string;
  name: string;
  created_at: Date;
}

export async function insertOrg(db: Tx, name: string): Promise<OrgRow> {
  const [row] = await db('organizations').insert({ name }).returning(['id', 'name', 'created_at']);
  return row as OrgRow;
}

export async function findOrgByName(db: Tx, name: string): Promise<OrgRow | undefined> {
  return db('organizations').whereRaw('lower(name) = lower(?)', [name]).first(['id', 'name', 'created_at']);
}

export async function findOrgById(db: Tx, id: string): Promise<OrgRow | undefined> {
  return db('organizations').where({ id }).first(['id', 'name', 'created_at']);
}

export async function listOrgs(db: Tx, ids?: string[]): Promise<OrgRow[]> {
  const q = db('organizations').select(['id', 'name', 'created_at']).orderByRaw('lower(name)');
  return ids ? q.whereIn('id', ids) : q;
}

export interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

export async function listMembers(db: Tx, orgId: string): Promise<MemberRow[]> {
  return db('memberships as m')
    .join('users as u', 'u.id', 'm.user_id')
    .where('m.org_id', orgId)
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .orderByRaw('lower(u.email)');
}

export async function findMembership(db: Tx, orgId: string, userId: string): Promise<{ role: Role } | undefined> {
  return db('memberships').where({ org_id: orgId, user_id: userId }).first(['role']);
}

/** Adds the member, or changes their role when they already are one. */
export async function upsertMembership(db: Tx, orgId: string, userId: string, role: Role): Promise<void> {
  await db('memberships').insert({ org_id: orgId, user_id: userId, role }).onConflict(['org_id', 'user_id']).merge({ role });
}

export async function deleteMembership(db: Tx, orgId: string, userId: string): Promise<boolean> {
  return (await db('memberships').where({ org_id: orgId, user_id: userId }).delete()) > 0;
}

export async function countOwners(db: Tx, orgId: string): Promise<number> {
  const row = await db('memberships').where({ org_id: orgId, role: 'owner' }).count<{ count: string }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

/** Every role a user holds: per organisation (membership and teams) and per namespace (teams). */
export async function rolesOfUser(db: Tx, userId: string): Promise<{
  orgRoles: { org_id: string; role: Role }[];
  namespaceRoles: { namespace_id: string; role: Role }[];
}> {
  const [orgRoles, namespaceRoles] = await Promise.all([
    db
      .select('org_id', 'role')
      .from('memberships')
      .where({ user_id: userId })
      .unionAll((q) => q.select('t.org_id', 't.role').from('teams as t').join('team_members as tm', 'tm.team_id', 't.id').where('tm.user_id', userId).whereNotNull('t.role')),
    db('team_namespace_roles as r')
      .join('team_members as tm', 'tm.team_id', 'r.team_id')
      .where('tm.user_id', userId)
      .select(['r.namespace_id', 'r.role']),
  ]);
  return { orgRoles, namespaceRoles };
}
