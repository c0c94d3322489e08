import type { TeamMemberRow, TeamNamespaceRoleRow, TeamRow } from '../../../core/db/repos/teams';
import type { Team, TeamDetail, TeamMember, TeamNamespaceRole } from './shapes';

export const presentTeam = (t: TeamRow, orgName: string, memberCount: number): Team => ({
  id: t.id,
  name: t.name,
  organization: orgName,
  role: t.role,
  ssoGroup: t.sso_group,
  memberCount,
  createdAt: new Date(t.created_at).toISOString(),
});

export const presentTeamMember = (m: TeamMemberRow): TeamMember => ({ userId: m.user_id, email: m.email, name: m.name, source: m.source });

export const presentTeamNamespaceRole = (r: TeamNamespaceRoleRow): TeamNamespaceRole => ({ namespace: r.namespace, role: r.role });

export const presentTeamDetail = (t: TeamRow, orgName: string, members: TeamMemberRow[], namespaces: TeamNamespaceRoleRow[]): TeamDetail => ({
  ...presentTeam(t, orgName, members.length),
  members: members.map(presentTeamMember),
  namespaces: namespaces.map(presentTeamNamespaceRole),
});
