import type { NamespaceRow } from '../../../core/db/repos/namespaces';
import type { MemberRow, OrgRow } from '../../../core/db/repos/organizations';
import type { Role } from '../../../core/auth/policy';
import type { Member, Namespace, Organization } from './shapes';

export const presentOrg = (o: OrgRow, role: Role | null): Organization => ({ id: o.id, name: o.name, createdAt: new Date(o.created_at).toISOString(), role });

export const presentMember = (m: MemberRow): Member => ({ userId: m.user_id, email: m.email, name: m.name, role: m.role, createdAt: new Date(m.created_at).toISOString() });

export const presentNamespace = (n: NamespaceRow, orgName: string): Namespace => ({
  id: n.id,
  name: n.name,
  organization: orgName,
  visibility: n.visibility,
  createdAt: new Date(n.created_at).toISOString(),
});
