/**
 * The one place that answers "may this principal do this action on this resource?". Routes, the protocol fast
 * path and (later) workflows ask it; nothing else compares roles. The rule table is documented in the README.
 */

export const ROLES = ['reader', 'publisher', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['read', 'publish', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export type Visibility = 'private' | 'public';

const rank = (role: Role | null): number => (role ? ROLES.indexOf(role) + 1 : 0);
export const atLeast = (role: Role | null, needed: Role): boolean => rank(role) >= rank(needed);
export const higher = (a: Role | null, b: Role | null): Role | null => (rank(a) >= rank(b) ? a : b);

/** The highest role a token scope lets its holder use, whatever their roles (`admin`: no cap). */
const scopeCap: Record<Scope, Role> = { read: 'reader', publish: 'publisher', admin: 'owner' };

/** What a principal holds: computed from memberships and teams when the principal is resolved. */
export interface Access {
  /** Platform admins sit above organisations (the bootstrap token is one). */
  platformAdmin: boolean;
  /** Organisation id → the highest role from membership and the teams' organisation roles. */
  orgRoles: Readonly<Record<string, Role>>;
  /** Namespace id → the highest role the principal's teams hold on that namespace. */
  namespaceRoles: Readonly<Record<string, Role>>;
  /** A scope-narrowed token's scopes; sessions and unscoped tokens carry `admin`. */
  scopes: readonly Scope[];
}

export const ANONYMOUS_ACCESS: Access = Object.freeze({ platformAdmin: false, orgRoles: {}, namespaceRoles: {}, scopes: [] });

export type Action =
  /** Protocol reads, catalogue and detail pages of a namespace's modules and providers. */
  | 'namespace.read'
  /** Upload a module or provider version into the namespace. */
  | 'namespace.publish'
  /** GPG keys, VCS links, visibility. */
  | 'namespace.manage'
  /** See the organisation, its members, teams and namespaces. */
  | 'org.read'
  /** Members, teams, namespaces, VCS connections, webhooks, audit log. */
  | 'org.manage'
  /** Make or remove owners, delete the organisation. */
  | 'org.own'
  /** Users and organisations of the whole platform. */
  | 'platform.admin'
  /** See the organisation's cloud credentials: names, kinds, status, identity (never a secret). */
  | 'credential.read'
  /** Create, rotate, check and delete the organisation's cloud credentials. */
  | 'credential.manage'
  /** See an organisation's workspaces, their runs, logs and state versions. */
  | 'workspace.read'
  /** Upload configurations, queue plan/apply/destroy runs, cancel and discard them, read and write state. */
  | 'workspace.run'
  /** Create and delete workspaces, change variables, settings and the run policy, force-unlock state. */
  | 'workspace.manage'
  /** See the organisation's Pulumi plugin catalogue: plugins, versions, input schemas; ask for access to a locked one. */
  | 'plugin.read'
  /** Publish a plugin version (a ZIP with strata-plugin.json and its program). */
  | 'plugin.publish'
  /** Lock and unlock plugins, see and decide access requests. */
  | 'plugin.manage';

export interface Resource {
  orgId?: string;
  namespace?: { id: string; orgId: string; visibility: Visibility };
}

/** The role the principal may use on the resource: its roles capped by its token's scopes. Null: none. */
export function effectiveRole(access: Access, resource: Resource): Role | null {
  const cap = access.scopes.reduce<Role | null>((best, s) => higher(best, scopeCap[s]), null);
  if (!cap) return null;
  let role: Role | null = access.platformAdmin ? 'owner' : null;
  const orgId = resource.namespace?.orgId ?? resource.orgId;
  if (orgId) role = higher(role, access.orgRoles[orgId] ?? null);
  if (resource.namespace) role = higher(role, access.namespaceRoles[resource.namespace.id] ?? null);
  return rank(role) > rank(cap) ? cap : role;
}

/** May the principal with this access do `action` on `resource`? */
export function can(access: Access, action: Action, resource: Resource = {}): boolean {
  switch (action) {
    case 'platform.admin':
      return access.platformAdmin && access.scopes.includes('admin');
    case 'namespace.read':
      if (resource.namespace?.visibility === 'public') return true;
      return atLeast(effectiveRole(access, resource), 'reader');
    case 'namespace.publish':
      return atLeast(effectiveRole(access, resource), 'publisher');
    case 'namespace.manage':
      return atLeast(effectiveRole(access, resource), 'admin');
    case 'org.read':
      return atLeast(effectiveRole(access, resource), 'reader');
    case 'org.manage':
      return atLeast(effectiveRole(access, resource), 'admin');
    case 'org.own':
      return atLeast(effectiveRole(access, resource), 'owner');
    case 'credential.read':
      return atLeast(effectiveRole(access, resource), 'reader');
    case 'credential.manage':
      return atLeast(effectiveRole(access, resource), 'admin');
    case 'workspace.read':
      return atLeast(effectiveRole(access, resource), 'reader');
    case 'workspace.run':
      return atLeast(effectiveRole(access, resource), 'publisher');
    case 'workspace.manage':
      return atLeast(effectiveRole(access, resource), 'admin');
    case 'plugin.read':
      return atLeast(effectiveRole(access, resource), 'reader');
    case 'plugin.publish':
      return atLeast(effectiveRole(access, resource), 'publisher');
    case 'plugin.manage':
      return atLeast(effectiveRole(access, resource), 'admin');
  }
}

