import type { Visibility } from '../../auth/policy';
import type { Tx } from '../knex';

export interface NamespaceRow {
  id: string;
  name: string;
  org_id: string;
  visibility: Visibility;
  created_at: Date;
}

const columns = ['id', 'name', 'org_id', 'visibility', 'created_at'];

export async function listAllNamespaces(db: Tx): Promise<NamespaceRow[]> {
  return db('namespaces').select(columns);
}

export async function listOrgNamespaces(db: Tx, orgId: string): Promise<NamespaceRow[]> {
  return db('namespaces').where({ org_id: orgId }).select(columns).orderByRaw('lower(name)');
}

/** Namespaces by id with their organisation's name, by name (for what a person's teams give them). */
export async function namespacesWithOrg(db: Tx, ids: readonly string[]): Promise<{ id: string; name: string; org_name: string }[]> {
  if (!ids.length) return [];
  return db('namespaces as n')
    .join('organizations as o', 'o.id', 'n.org_id')
    .whereIn('n.id', ids)
    .select('n.id', 'n.name', 'o.name as org_name')
    .orderByRaw('lower(n.name)');
}

export async function findNamespace(db: Tx, name: string): Promise<NamespaceRow | undefined> {
  return db('namespaces').whereRaw('lower(name) = lower(?)', [name]).first(columns);
}

/** Creates the namespace; returns undefined when one with that name (any case) exists already. */
export async function insertNamespace(db: Tx, row: { name: string; orgId: string; visibility: Visibility }): Promise<NamespaceRow | undefined> {
  const [inserted] = await db('namespaces')
    .insert({ name: row.name, org_id: row.orgId, visibility: row.visibility })
    .onConflict(db.raw('(lower(name))'))
    .ignore()
    .returning(columns);
  return inserted as NamespaceRow | undefined;
}

export async function setNamespaceVisibility(db: Tx, id: string, visibility: Visibility): Promise<void> {
  await db('namespaces').where({ id }).update({ visibility });
}
