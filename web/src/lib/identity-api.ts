import { ApiError, jsonBody, queryString, type ApiClient } from './api';
import type {
  AuditFilter,
  AuditPage,
  LoggedIn,
  Me,
  Member,
  Namespace,
  NamespaceRole,
  Organization,
  Role,
  SsoProvider,
  Team,
  TeamDetail,
  TeamInput,
  TeamMember,
  TeamNamespaceRole,
  UserSession,
  Visibility,
} from './types';

const seg = encodeURIComponent;
const orgPath = (org: string) => `/api/v1/orgs/${seg(org)}`;
const teamPath = (org: string, team: string) => `${orgPath(org)}/teams/${seg(team)}`;

/** Who is signed in, organisations, members, teams, namespaces, sessions and the audit log: the identity API. */
export class IdentityApi {
  constructor(private readonly client: ApiClient) {}

  login(email: string, password: string): Promise<LoggedIn> {
    return this.client.request('POST', '/api/v1/auth/login', jsonBody({ email, password }));
  }

  logout(): Promise<void> {
    return this.client.request('POST', '/api/v1/auth/logout');
  }

  /** Who this browser is (a session or a pasted token), or null when nobody is signed in. */
  async me(signal?: AbortSignal): Promise<Me | null> {
    try {
      return await this.client.request<Me>('GET', '/api/v1/me', { signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  }

  /** Asks for a reset link for `email`. The server answers the same whether or not the address has an account. */
  requestPasswordReset(email: string): Promise<void> {
    return this.client.request('POST', '/api/v1/auth/password-reset', jsonBody({ email }));
  }

  /** Sets a new password with the token of a reset link; every session of the account ends. */
  confirmPasswordReset(token: string, password: string): Promise<void> {
    return this.client.request('POST', '/api/v1/auth/password-reset/confirm', jsonBody({ token, password }));
  }

  verifyEmail(token: string): Promise<void> {
    return this.client.request('POST', '/api/v1/auth/verify-email', jsonBody({ token }));
  }

  /** The configured SSO providers; none when the server has no SSO (or predates it). */
  async providers(signal?: AbortSignal): Promise<SsoProvider[]> {
    try {
      return (await this.client.request<{ items: SsoProvider[] }>('GET', '/api/v1/auth/providers', { signal })).items;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return [];
      throw err;
    }
  }

  async sessions(signal?: AbortSignal): Promise<UserSession[]> {
    return (await this.client.request<{ items: UserSession[] }>('GET', '/api/v1/me/sessions', { signal })).items;
  }

  revokeSession(id: string): Promise<void> {
    return this.client.request('DELETE', `/api/v1/me/sessions/${seg(id)}`);
  }

  async orgs(signal?: AbortSignal): Promise<Organization[]> {
    return (await this.client.request<{ items: Organization[] }>('GET', '/api/v1/orgs', { signal })).items;
  }

  createOrg(name: string): Promise<Organization> {
    return this.client.request('POST', '/api/v1/orgs', jsonBody({ name }));
  }

  async members(org: string, signal?: AbortSignal): Promise<Member[]> {
    return (await this.client.request<{ items: Member[] }>('GET', `${orgPath(org)}/members`, { signal })).items;
  }

  addMember(org: string, email: string, role: Role): Promise<Member> {
    return this.client.request('POST', `${orgPath(org)}/members`, jsonBody({ email, role }));
  }

  changeMember(org: string, userId: string, role: Role): Promise<void> {
    return this.client.request('PATCH', `${orgPath(org)}/members/${seg(userId)}`, jsonBody({ role }));
  }

  removeMember(org: string, userId: string): Promise<void> {
    return this.client.request('DELETE', `${orgPath(org)}/members/${seg(userId)}`);
  }

  async namespaces(org: string, signal?: AbortSignal): Promise<Namespace[]> {
    return (await this.client.request<{ items: Namespace[] }>('GET', `${orgPath(org)}/namespaces`, { signal })).items;
  }

  createNamespace(org: string, name: string, visibility: Visibility): Promise<Namespace> {
    return this.client.request('POST', `${orgPath(org)}/namespaces`, jsonBody({ name, visibility }));
  }

  setVisibility(namespace: string, visibility: Visibility): Promise<Namespace> {
    return this.client.request('PATCH', `/api/v1/namespaces/${seg(namespace)}`, jsonBody({ visibility }));
  }

  async teams(org: string, signal?: AbortSignal): Promise<Team[]> {
    return (await this.client.request<{ items: Team[] }>('GET', `${orgPath(org)}/teams`, { signal })).items;
  }

  team(org: string, team: string, signal?: AbortSignal): Promise<TeamDetail> {
    return this.client.request('GET', teamPath(org, team), { signal });
  }

  createTeam(org: string, input: TeamInput & { name: string }): Promise<Team> {
    return this.client.request('POST', `${orgPath(org)}/teams`, jsonBody(input));
  }

  updateTeam(org: string, team: string, changes: TeamInput): Promise<TeamDetail> {
    return this.client.request('PATCH', teamPath(org, team), jsonBody(changes));
  }

  deleteTeam(org: string, team: string): Promise<void> {
    return this.client.request('DELETE', teamPath(org, team));
  }

  addTeamMember(org: string, team: string, email: string): Promise<TeamMember> {
    return this.client.request('POST', `${teamPath(org, team)}/members`, jsonBody({ email }));
  }

  removeTeamMember(org: string, team: string, userId: string): Promise<void> {
    return this.client.request('DELETE', `${teamPath(org, team)}/members/${seg(userId)}`);
  }

  setTeamNamespaceRole(org: string, team: string, namespace: string, role: NamespaceRole): Promise<TeamNamespaceRole> {
    return this.client.request('PUT', `${teamPath(org, team)}/namespaces/${seg(namespace)}`, jsonBody({ role }));
  }

  removeTeamNamespaceRole(org: string, team: string, namespace: string): Promise<void> {
    return this.client.request('DELETE', `${teamPath(org, team)}/namespaces/${seg(namespace)}`);
  }

  audit(org: string, filter: AuditFilter, signal?: AbortSignal): Promise<AuditPage> {
    return this.client.request('GET', `${orgPath(org)}/audit`, { query: { ...filter }, signal });
  }

  /** A download link of the whole filtered log (no cursor) as CSV or NDJSON; the session cookie authorises it. */
  auditExportUrl(org: string, filter: AuditFilter, format: 'csv' | 'ndjson'): string {
    return `${orgPath(org)}/audit/export${queryString({ ...filter, cursor: undefined, format })}`;
  }
}
