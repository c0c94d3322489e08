/** Every page of the dashboard, as parsed from `location.pathname`. */
export type Route =
  | { name: 'home' }
  | { name: 'module'; namespace: string; moduleName: string; system: string; version: string | null; unit: string | null }
  | { name: 'provider'; namespace: string; type: string; version: string | null }
  | { name: 'publish' }
  | { name: 'publish-repository' }
  | { name: 'connections' }
  | { name: 'activity' }
  | { name: 'workflow'; workflowId: string }
  | { name: 'tokens' }
  | { name: 'sessions' }
  | { name: 'notifications' }
  | { name: 'action'; token: string }
  | { name: 'login' }
  | { name: 'reset-password' }
  | { name: 'verify-email' }
  | { name: 'orgs' }
  | { name: 'org'; org: string; tab: OrgTab }
  | { name: 'team'; org: string; team: string }
  | { name: 'workspace'; org: string; workspace: string }
  | { name: 'plugin'; org: string; plugin: string; version: string | null }
  | { name: 'run'; runId: string }
  | { name: 'not-found'; path: string };

/** The pages of one organisation. */
export const ORG_TABS = ['members', 'teams', 'namespaces', 'workspaces', 'runs', 'plugins', 'deployments', 'credentials', 'webhooks', 'audit'] as const;
export type OrgTab = (typeof ORG_TABS)[number];
const isOrgTab = (s: string | undefined): s is OrgTab => (ORG_TABS as readonly string[]).includes(s ?? '');

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a pathname; anything unknown (or badly encoded) is `not-found`, never an exception. */
export function matchRoute(pathname: string): Route {
  const raw = pathname.replace(/\/+$/, '').split('/').slice(1);
  const parts = raw.map(decode);
  const notFound: Route = { name: 'not-found', path: pathname };
  if (parts.some((p) => p === null)) return notFound;
  const p = parts as string[];
  if (p.length === 0 || (p.length === 1 && p[0] === '')) return { name: 'home' };
  const [first, ...rest] = p;
  switch (first) {
    case 'modules': {
      const [namespace, moduleName, system, version, unitKind, unitName] = rest;
      if (!namespace || !moduleName || !system || rest.length > 6 || rest.length === 5) return notFound;
      if (unitKind !== undefined && unitKind !== 'modules' && unitKind !== 'examples') return notFound;
      return { name: 'module', namespace, moduleName, system, version: version ?? null, unit: unitKind && unitName ? `${unitKind}/${unitName}` : null };
    }
    case 'providers': {
      const [namespace, type, version] = rest;
      if (!namespace || !type || rest.length > 3) return notFound;
      return { name: 'provider', namespace, type, version: version ?? null };
    }
    case 'publish':
      if (rest.length === 1 && rest[0] === 'repository') return { name: 'publish-repository' };
      return rest.length ? notFound : { name: 'publish' };
    case 'connections':
      return rest.length ? notFound : { name: 'connections' };
    case 'activity':
      // A workflow id keeps its slashes in the path: /activity/module-publish:acme/net/aws/1.0.0
      return rest.length ? { name: 'workflow', workflowId: rest.join('/') } : { name: 'activity' };
    case 'tokens':
      return rest.length ? notFound : { name: 'tokens' };
    case 'sessions':
      return rest.length ? notFound : { name: 'sessions' };
    case 'notifications':
      return rest.length ? notFound : { name: 'notifications' };
    // The confirmation page of a mail's action link (core/notifications/action-links.ts).
    case 'action':
      return rest.length === 1 && rest[0] ? { name: 'action', token: rest[0] } : notFound;
    case 'login':
      return rest.length ? notFound : { name: 'login' };
    // The pages the server's account links open (api/routes/auth/account-links.ts).
    case 'reset-password':
      return rest.length ? notFound : { name: 'reset-password' };
    case 'verify-email':
      return rest.length ? notFound : { name: 'verify-email' };
    case 'orgs': {
      const [org, tab, team, version] = rest;
      if (!org) return rest.length ? notFound : { name: 'orgs' };
      if (tab === undefined) return { name: 'org', org, tab: 'members' };
      if (tab === 'teams' && team && rest.length === 3) return { name: 'team', org, team };
      if (tab === 'workspaces' && team && rest.length === 3) return { name: 'workspace', org, workspace: team };
      if (tab === 'plugins' && team && (rest.length === 3 || (rest.length === 4 && version))) return { name: 'plugin', org, plugin: team, version: version ?? null };
      return isOrgTab(tab) && rest.length === 2 ? { name: 'org', org, tab } : notFound;
    }
    case 'runs': {
      const [runId] = rest;
      return runId && rest.length === 1 ? { name: 'run', runId } : notFound;
    }
    default:
      return notFound;
  }
}

const enc = encodeURIComponent;

function withQuery(path: string, query?: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Links to every page: the inverse of `matchRoute`. */
export const links = {
  home: (query?: Record<string, string | number | undefined | null>) => withQuery('/', query),
  module: (m: { namespace: string; name: string; system: string }, version?: string | null, unit?: string | null) => {
    let path = `/modules/${enc(m.namespace)}/${enc(m.name)}/${enc(m.system)}`;
    if (version) path += `/${enc(version)}`;
    if (version && unit) path += `/${unit.split('/').map(enc).join('/')}`;
    return path;
  },
  /** The module page's repository (VCS) tab. */
  moduleVcs: (m: { namespace: string; name: string; system: string }) =>
    withQuery(`/modules/${enc(m.namespace)}/${enc(m.name)}/${enc(m.system)}`, { tab: 'vcs' }),
  provider: (p: { namespace: string; type: string }, version?: string | null) =>
    `/providers/${enc(p.namespace)}/${enc(p.type)}${version ? `/${enc(version)}` : ''}`,
  publish: (query?: Record<string, string | undefined>) => withQuery('/publish', query),
  /** The "publish from a repository" wizard, optionally prefilled with the module address. */
  publishRepository: (query?: Record<string, string | undefined>) => withQuery('/publish/repository', query),
  connections: () => '/connections',
  activity: (query?: Record<string, string | undefined>) => withQuery('/activity', query),
  workflow: (workflowId: string) => `/activity/${workflowId.split('/').map(enc).join('/')}`,
  tokens: () => '/tokens',
  sessions: () => '/sessions',
  notifications: () => '/notifications',
  login: (query?: Record<string, string | undefined>) => withQuery('/login', query),
  resetPassword: (token: string) => withQuery('/reset-password', { token }),
  verifyEmail: (token: string) => withQuery('/verify-email', { token }),
  orgs: () => '/orgs',
  org: (org: string, tab: OrgTab = 'members', query?: Record<string, string | undefined>) => withQuery(`/orgs/${enc(org)}/${tab}`, query),
  team: (org: string, team: string) => `/orgs/${enc(org)}/teams/${enc(team)}`,
  workspace: (org: string, workspace: string) => `/orgs/${enc(org)}/workspaces/${enc(workspace)}`,
  run: (runId: string) => `/runs/${enc(runId)}`,
  plugin: (org: string, plugin: string, version?: string | null) => `/orgs/${enc(org)}/plugins/${enc(plugin)}${version ? `/${enc(version)}` : ''}`,
};
