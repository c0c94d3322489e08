// Response shapes of identity routes that other branches are building (teams, audit, SSO providers). Declared
// here by hand until they are merged; the lead then swaps these for the zod-inferred types of
// api/routes/teams/shapes.ts, api/routes/audit/shapes.ts and the SSO providers route, and deletes this file.
import type { Role } from './types';

/** `GET /api/v1/auth/providers` items: one button per configured SSO provider. */
export interface SsoProvider {
  id: string;
  name: string;
  /** Where the browser goes to start the sign-in (it accepts `?returnTo=`). */
  loginUrl: string;
}

export interface Team {
  id: string;
  name: string;
  organization: string;
  /** The organisation-wide role of the team's members (null: only the namespace roles). */
  role: Role | null;
  ssoGroup: string | null;
  memberCount: number;
  createdAt: string;
}

export interface TeamMember {
  userId: string;
  email: string;
  name: string;
  source: 'manual' | 'sso';
}

export interface TeamNamespaceRole {
  namespace: string;
  role: Exclude<Role, 'owner'>;
}

export interface TeamDetail extends Team {
  members: TeamMember[];
  namespaces: TeamNamespaceRole[];
}

/** `POST /api/v1/orgs/{org}/teams` and the fields `PATCH` may change. */
export interface TeamInput {
  name?: string;
  role?: Role | null;
  ssoGroup?: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorLabel: string;
  action: string;
  target: string | null;
  result: string;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** The audit list's filters, as the query string carries them. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  since?: string;
  until?: string;
  q?: string;
  cursor?: string;
}
