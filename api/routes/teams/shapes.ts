import { z } from 'zod';
import { isoDateTime, itemsOf } from '../common-shapes';
import { role } from '../orgs/shapes';

export const team = z.object({
  id: z.string(),
  name: z.string(),
  organization: z.string(),
  /** The organisation-wide role of the team's members (null: only the namespace roles). */
  role: role.nullable(),
  ssoGroup: z.string().nullable(),
  memberCount: z.number().int(),
  createdAt: isoDateTime,
});
export const teamList = itemsOf(team);
export type Team = z.infer<typeof team>;

export const teamMember = z.object({ userId: z.string(), email: z.string(), name: z.string(), source: z.enum(['manual', 'sso']) });
export const teamMemberList = itemsOf(teamMember);
export type TeamMember = z.infer<typeof teamMember>;

export const teamNamespaceRole = z.object({ namespace: z.string(), role });
export type TeamNamespaceRole = z.infer<typeof teamNamespaceRole>;

export const teamDetail = team.extend({ members: z.array(teamMember), namespaces: z.array(teamNamespaceRole) });
export type TeamDetail = z.infer<typeof teamDetail>;
