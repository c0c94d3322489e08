/*
 * Who may call each management route: the expectation table of the isolation matrix (isolation-matrix.test.ts),
 * which calls every non-protocol route of the OpenAPI route table as every principal and fails for a route that
 * is missing here. When you add a route, add its row (a merge adds the rows of both branches): the least role
 * it needs, how it is refused, and paths and bodies that reach the permission check against organisation A's
 * real objects (see `Fixture`). The rule table in the README ("Roles and permissions") says the same in words.
 */

/**
 * The callers: nobody, each role of organisation A, the owner of organisation B, a platform admin user, and A's
 * owner and the platform admin through tokens narrowed to the `read` and `publish` scopes (which cap their role:
 * a platform admin's read token reads everything and administers nothing).
 */
export const PRINCIPALS = ['anonymous', 'reader', 'publisher', 'admin', 'owner', 'outsider', 'platformAdmin', 'ownerReadScope', 'ownerPublishScope', 'platformAdminReadScope'] as const;
export type Principal = (typeof PRINCIPALS)[number];

/**
 * The least a caller needs: `public` (anyone), `signed-in` (any token), a role in organisation A, `self` (only the
 * person the object belongs to: the matrix targets organisation A's owner's own token and session) or
 * `platform-admin`.
 */
export type Need = 'public' | 'signed-in' | 'self' | 'reader' | 'publisher' | 'admin' | 'owner' | 'platform-admin';

const ORG_ROLES = ['reader', 'publisher', 'admin', 'owner'] as const;

/** The role a scope-narrowed token may use (in every organisation, for the platform admin's). */
const scopedRole: Partial<Record<Principal, (typeof ORG_ROLES)[number]>> = { ownerReadScope: 'reader', ownerPublishScope: 'publisher', platformAdminReadScope: 'reader' };

/** Is this principal a scope-narrowed token (refused with 403 by routes that need the `admin` scope)? */
export const isScopeNarrowed = (p: Principal): boolean => scopedRole[p] !== undefined;

/** Does this principal meet the route's need (on organisation A's objects)? */
export function allows(rc: Pick<RouteCase, 'need' | 'adminScope'>, p: Principal): boolean {
  const { need } = rc;
  if (need === 'public') return true;
  if (p === 'anonymous') return false;
  const capped = scopedRole[p];
  if (capped && rc.adminScope) return false;
  if (need === 'signed-in') return true;
  if (need === 'self') return p === 'owner' || p === 'ownerReadScope' || p === 'ownerPublishScope';
  if (p === 'platformAdmin') return true;
  if (need === 'platform-admin' || p === 'outsider') return false;
  return ORG_ROLES.indexOf(capped ?? (p as (typeof ORG_ROLES)[number])) >= ORG_ROLES.indexOf(need);
}

/** Organisation A's objects (made by the matrix before it runs) and per-principal spares for additive calls. */
export interface Fixture {
  org: string;
  namespace: string;
  module: { name: string; system: string; version: string };
  provider: string;
  team: string;
  /** A reader member of A (PATCH target, and in A's team). */
  memberId: string;
  /** A member of A that the one allowed DELETE removes. */
  doomedMemberId: string;
  gpgKeyId: string;
  connectionId: string;
  repository: string;
  /** The workflow that published A's module. */
  workflowId: string;
  /** A token and a session of A's owner (the `self` routes). */
  ownerTokenId: string;
  ownerSessionId: string;
  /** A user per principal, for calls that add someone (so every allowed principal's call succeeds). */
  spareEmail: Record<Principal, string>;
  /** A user that the login route signs in. */
  login: { email: string; password: string };
  githubUrl: string;
  /** A workspace of A whose state is locked (lock `zephyr-lock`) until the matrix force-unlocks it last. */
  stateWorkspace: string;
  /** A state version of that workspace. */
  stateVersionId: string;
  /** A cloud credential of A. */
  credentialId: string;
  /** A webhook of A with one delivery (of a test event), and a second webhook that the one allowed DELETE removes. */
  webhookId: string;
  webhookDeliveryId: string;
  doomedWebhookId: string;
  /** A workspace of A, a second one the one allowed DELETE removes, and a finished run of the first. */
  workspace: string;
  doomedWorkspace: string;
  runId: string;
  /** A deployment of A (a workspace of engine pulumi, made with SQL: the matrix runs no Pulumi). */
  deploymentId: string;
  /** An unlocked plugin of A with version 1.0.0 (the lock routes lock and unlock it). */
  plugin: string;
  /** A locked plugin of A, with a pending request (approved by the matrix), another pending one (rejected) and an approved one (revoked). */
  lockedPlugin: string;
  pendingRequestId: string;
  otherPendingRequestId: string;
  approvedRequestId: string;
}

export interface RouteCase {
  need: Need;
  /** Needs a token with the `admin` scope (or a session) whatever the role: read- and publish-scoped tokens get 403. */
  adminScope?: boolean;
  /**
   * `org` (default): about organisation A's objects, so the owner of B gets 404 as for something that does not
   * exist. `global`: not about an organisation (platform administration): B's owner is refused like anyone
   * signed in without the right, with `memberDeny`.
   */
  scope?: 'org' | 'global';
  /** Path parameters; every template variable of the path needs one. */
  params?: (f: Fixture, p: Principal) => Record<string, string>;
  query?: (f: Fixture, p: Principal) => Record<string, string>;
  /** A JSON body (an object), or a raw body with its type; enough to reach the permission check. */
  body?: (f: Fixture, p: Principal) => unknown;
  /** What an allowed call answers, when not 2xx: a status that can only come after the permission check. */
  allow?: { status: number; code?: string; message?: RegExp };
  /** How signed-in members of A without the role are refused (default 403). */
  memberDeny?: 403 | 404;
  /** How a caller without a token is refused (default 401; 404 where private things are answered as missing). */
  anonymousDeny?: 401 | 404;
  /** Destructive or not repeatable: only the least privileged allowed principal's call is made, after all others. */
  once?: boolean;
  /** Not called, with the reason (the route authenticates its caller some other way). */
  exempt?: string;
}

const ns = (f: Fixture) => ({ namespace: f.namespace });
const mod = (f: Fixture) => ({ namespace: f.namespace, name: f.module.name, system: f.module.system });
const org = (f: Fixture) => ({ org: f.org });
const team = (f: Fixture) => ({ org: f.org, team: f.team });
const conn = (f: Fixture) => ({ id: f.connectionId });
const stateWs = (f: Fixture) => ({ org: f.org, ws: f.stateWorkspace });
const stateVersion = (f: Fixture) => ({ ...stateWs(f), id: f.stateVersionId });
/** A valid state file: refused with 423 after the permission check, as the fixture's state stays locked. */
const stateFile = () => ({ version: 4, serial: 1000, lineage: 'matrix-lineage', resources: [] });
const STATE = '/api/v1/orgs/{org}/workspaces/{ws}/state';

const cred = (f: Fixture) => ({ org: f.org, id: f.credentialId });
const hook = (f: Fixture) => ({ org: f.org, id: f.webhookId });
const wsp = (f: Fixture) => ({ org: f.org, ws: f.workspace });
const run = (f: Fixture) => ({ id: f.runId });
const plug = (f: Fixture) => ({ org: f.org, name: f.plugin });
const lockedPlug = (f: Fixture) => ({ org: f.org, name: f.lockedPlugin });
/** A ZIP without strata-plugin.json: refused (422) only once the publish right is granted. */
const PLUGIN_WITHOUT_MANIFEST = { status: 422, code: 'plugin_manifest_missing' } as const;

/** A distinct, valid version per principal, so each allowed publish is a new one. */
const versionOf = (p: Principal) => `1.1.${PRINCIPALS.indexOf(p)}`;

/** Keyed `METHOD /path` exactly as in the route table. */
export const routePermissions: Record<string, RouteCase> = {
  'GET /healthz': { need: 'public', scope: 'global' },
  'GET /readyz': { need: 'public', scope: 'global' },
  'GET /api/openapi.json': { need: 'public', scope: 'global' },
  'GET /.well-known/openid-configuration': { need: 'public', scope: 'global' },
  'GET /.well-known/jwks.json': { need: 'public', scope: 'global' },

  // Catalogue lists are open to everyone and filtered; the matrix checks nothing of A shows to B or to nobody.
  'GET /api/v1/search': { need: 'public', scope: 'global', query: () => ({ q: 'demo' }) },
  'GET /api/v1/modules': { need: 'public', scope: 'global' },
  'GET /api/v1/providers': { need: 'public', scope: 'global' },
  'GET /api/v1/modules/{namespace}/{name}/{system}': { need: 'reader', params: mod, anonymousDeny: 404 },
  'GET /api/v1/modules/{namespace}/{name}/{system}/{version}': { need: 'reader', params: (f) => ({ ...mod(f), version: f.module.version }), anonymousDeny: 404 },
  'GET /api/v1/modules/{namespace}/{name}/{system}/downloads': { need: 'reader', params: mod, anonymousDeny: 404 },
  'POST /api/v1/modules/{namespace}/{name}/{system}/{version}': {
    need: 'publisher',
    params: (f, p) => ({ ...mod(f), version: versionOf(p) }),
    body: () => ({ raw: 'module', contentType: 'application/gzip' }),
  },
  // A's namespace has no provider: a reader is told the provider is missing, everyone else that the namespace is.
  'GET /api/v1/providers/{namespace}/{type}': {
    need: 'reader',
    params: (f) => ({ namespace: f.namespace, type: f.provider }),
    anonymousDeny: 404,
    allow: { status: 404, message: /^provider / },
  },
  // An empty upload is refused as incomplete, which only happens once the publish right is granted.
  'POST /api/v1/providers/{namespace}/{type}/{version}': {
    need: 'publisher',
    params: (f, p) => ({ namespace: f.namespace, type: f.provider, version: versionOf(p) }),
    body: () => ({ raw: 'empty-form' }),
    allow: { status: 422, code: 'shasums_missing' },
  },

  'GET /api/v1/namespaces/{namespace}/gpg-keys': { need: 'reader', params: ns, anonymousDeny: 404 },
  'POST /api/v1/namespaces/{namespace}/gpg-keys': { need: 'admin', params: ns, body: () => ({ asciiArmor: 'not a key' }), allow: { status: 422, code: 'signing_key_invalid' } },
  'DELETE /api/v1/namespaces/{namespace}/gpg-keys/{keyId}': { need: 'admin', params: (f) => ({ ...ns(f), keyId: f.gpgKeyId }), once: true },

  'GET /api/v1/tokens': { need: 'signed-in', scope: 'global' },
  'POST /api/v1/tokens': { need: 'signed-in', scope: 'global', body: (_, p) => ({ name: `matrix-${p}`, scopes: ['read'] }) },
  'DELETE /api/v1/tokens/{id}': { need: 'self', adminScope: true, params: (f) => ({ id: f.ownerTokenId }), memberDeny: 404, once: true },

  'POST /api/v1/auth/login': { need: 'public', scope: 'global', body: (f) => f.login },
  'POST /api/v1/auth/logout': { need: 'public', scope: 'global' },
  'GET /api/v1/me': { need: 'signed-in', scope: 'global' },
  'GET /api/v1/me/sessions': { need: 'signed-in', scope: 'global' },
  'DELETE /api/v1/me/sessions/{id}': { need: 'self', adminScope: true, params: (f) => ({ id: f.ownerSessionId }), memberDeny: 404, once: true },
  'GET /api/v1/users': { need: 'platform-admin', scope: 'global' },
  'POST /api/v1/users': { need: 'platform-admin', scope: 'global', body: (_, p) => ({ email: `made-by-${p}@matrix.test`, name: 'made', password: 'a long enough pass phrase 42' }) },

  'GET /api/v1/orgs': { need: 'signed-in', scope: 'global' },
  'POST /api/v1/orgs': { need: 'signed-in', scope: 'global', adminScope: true, body: (_, p) => ({ name: `matrix-${p}` }) },
  'GET /api/v1/orgs/{org}': { need: 'reader', params: org },
  'GET /api/v1/orgs/{org}/members': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/members': { need: 'admin', params: org, body: (f, p) => ({ email: f.spareEmail[p], role: 'reader' }) },
  'PATCH /api/v1/orgs/{org}/members/{userId}': { need: 'admin', params: (f) => ({ ...org(f), userId: f.memberId }), body: () => ({ role: 'reader' }) },
  'DELETE /api/v1/orgs/{org}/members/{userId}': { need: 'admin', params: (f) => ({ ...org(f), userId: f.doomedMemberId }), once: true },
  'GET /api/v1/orgs/{org}/namespaces': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/namespaces': { need: 'admin', params: org, body: (f, p) => ({ name: `${f.namespace}-${p}` }) },
  'GET /api/v1/namespaces/{namespace}': { need: 'reader', params: ns },
  'PATCH /api/v1/namespaces/{namespace}': { need: 'admin', params: ns, body: () => ({ visibility: 'private' }) },

  'GET /api/v1/orgs/{org}/teams': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/teams': { need: 'admin', params: org, body: (_, p) => ({ name: `matrix-${p}` }) },
  'GET /api/v1/orgs/{org}/teams/{team}': { need: 'reader', params: team },
  'PATCH /api/v1/orgs/{org}/teams/{team}': { need: 'admin', params: team, body: () => ({ ssoGroup: 'matrix-group' }) },
  'DELETE /api/v1/orgs/{org}/teams/{team}': { need: 'admin', params: team, once: true },
  'GET /api/v1/orgs/{org}/teams/{team}/members': { need: 'reader', params: team },
  'POST /api/v1/orgs/{org}/teams/{team}/members': { need: 'admin', params: team, body: (f, p) => ({ email: f.spareEmail[p] }) },
  'DELETE /api/v1/orgs/{org}/teams/{team}/members/{userId}': { need: 'admin', params: (f) => ({ ...team(f), userId: f.memberId }), once: true },
  'PUT /api/v1/orgs/{org}/teams/{team}/namespaces/{namespace}': { need: 'admin', params: (f) => ({ ...team(f), ...ns(f) }), body: () => ({ role: 'reader' }) },
  'DELETE /api/v1/orgs/{org}/teams/{team}/namespaces/{namespace}': { need: 'admin', params: (f) => ({ ...team(f), ...ns(f) }), once: true },

  // Workflows are seen by whoever may read their namespace; the list is filtered.
  'GET /api/v1/workflows': { need: 'signed-in', scope: 'global' },
  'GET /api/v1/workflows/{workflowId}': { need: 'reader', params: (f) => ({ workflowId: f.workflowId }) },
  'GET /api/v1/workflows/{workflowId}/events': { need: 'reader', params: (f) => ({ workflowId: f.workflowId }) },

  // VCS connections are an admin's: others are told a connection does not exist.
  'GET /api/v1/vcs/connections': { need: 'signed-in', scope: 'global' },
  'POST /api/v1/vcs/connections': {
    need: 'admin',
    body: (f, p) => ({ kind: 'github', name: `matrix-${p}`, organization: f.org, baseUrl: f.githubUrl, token: 'ghp_matrix' }),
  },
  'GET /api/v1/vcs/connections/{id}': { need: 'admin', params: conn, memberDeny: 404 },
  'DELETE /api/v1/vcs/connections/{id}': { need: 'admin', params: conn, memberDeny: 404, once: true, allow: { status: 409, code: 'vcs_connection_in_use' } },
  'POST /api/v1/vcs/connections/{id}/validate': { need: 'admin', params: conn, memberDeny: 404 },
  'GET /api/v1/vcs/connections/{id}/repositories': { need: 'admin', params: conn, memberDeny: 404 },
  'GET /api/v1/vcs/connections/{id}/tags': { need: 'admin', params: conn, memberDeny: 404, query: (f) => ({ repository: f.repository }) },

  'GET /api/v1/modules/{namespace}/{name}/{system}/vcs': { need: 'admin', params: mod },
  // Linking another module of A's namespace (A's own module is linked already).
  'POST /api/v1/modules/{namespace}/{name}/{system}/vcs': {
    need: 'admin',
    params: (f) => ({ ...mod(f), name: 'linked' }),
    body: (f) => ({ connectionId: f.connectionId, repository: f.repository }),
    once: true,
  },
  'DELETE /api/v1/modules/{namespace}/{name}/{system}/vcs': { need: 'admin', params: mod, once: true },
  'POST /api/v1/modules/{namespace}/{name}/{system}/vcs/sync': { need: 'admin', params: mod },
  'GET /api/v1/modules/{namespace}/{name}/{system}/vcs/deliveries': { need: 'admin', params: mod },
  'GET /api/v1/modules/{namespace}/{name}/{system}/vcs/violations': { need: 'admin', params: mod },

  // Cloud credentials: the organisation's members see them (never a secret), its admins change them.
  // Deployments: readers list; publishers deploy an unlocked plugin (inputs are checked after the permission check).
  'GET /api/v1/orgs/{org}/deployments': { need: 'reader', params: org },
  'GET /api/v1/deployments/{id}': { need: 'reader', params: (f) => ({ id: f.deploymentId }) },
  'POST /api/v1/orgs/{org}/deployments': {
    need: 'publisher',
    params: org,
    body: (f, p) => ({ plugin: f.plugin, version: '1.0.0', stack: `stack-${p.toLowerCase()}`, inputs: { nope: 1 } }),
    allow: { status: 400, code: 'invalid_inputs' },
  },
  // Pulumi plugins: members read the catalogue and ask for access to locked plugins, publishers publish, admins lock and decide.
  'GET /api/v1/orgs/{org}/plugins': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/plugins': { need: 'publisher', params: org, body: () => ({ raw: 'plugin-zip' }), allow: PLUGIN_WITHOUT_MANIFEST },
  'GET /api/v1/orgs/{org}/plugins/{name}': { need: 'reader', params: plug },
  'POST /api/v1/orgs/{org}/plugins/{name}/versions': { need: 'publisher', params: plug, body: () => ({ raw: 'plugin-zip' }), allow: PLUGIN_WITHOUT_MANIFEST },
  'GET /api/v1/orgs/{org}/plugins/{name}/versions/{version}': { need: 'reader', params: (f) => ({ ...plug(f), version: '1.0.0' }) },
  'POST /api/v1/orgs/{org}/plugins/{name}/lock': { need: 'admin', params: plug },
  'POST /api/v1/orgs/{org}/plugins/{name}/unlock': { need: 'admin', params: plug },
  'POST /api/v1/orgs/{org}/plugins/{name}/access-requests': { need: 'reader', params: lockedPlug, body: () => ({ reason: 'matrix' }) },
  'GET /api/v1/orgs/{org}/plugins/{name}/access-requests': { need: 'admin', params: lockedPlug },
  'POST /api/v1/orgs/{org}/plugins/{name}/access-requests/{id}/approve': { need: 'admin', params: (f) => ({ ...lockedPlug(f), id: f.pendingRequestId }), once: true },
  'POST /api/v1/orgs/{org}/plugins/{name}/access-requests/{id}/reject': { need: 'admin', params: (f) => ({ ...lockedPlug(f), id: f.otherPendingRequestId }), once: true },
  'POST /api/v1/orgs/{org}/plugins/{name}/access-requests/{id}/revoke': { need: 'admin', params: (f) => ({ ...lockedPlug(f), id: f.approvedRequestId }), once: true },

  'GET /api/v1/orgs/{org}/credentials': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/credentials': { need: 'admin', params: org, body: (f, p) => ({ name: `matrix-${p}`, kind: 'hetzner', secret: { token: 'matrix' }, settings: { endpoint: f.githubUrl } }) },
  'GET /api/v1/orgs/{org}/credentials/{id}': { need: 'reader', params: cred },
  'PUT /api/v1/orgs/{org}/credentials/{id}': { need: 'admin', params: cred, body: () => ({ secret: { token: 'matrix-rotated' } }) },
  'DELETE /api/v1/orgs/{org}/credentials/{id}': { need: 'admin', params: cred, once: true },
  'POST /api/v1/orgs/{org}/credentials/{id}/check': { need: 'admin', params: cred },
  // Webhooks are an admin's: members are refused, another organisation's are missing.
  // Workspaces and runs: readers look, publishers upload and queue, admins manage; approvers per policy (publisher in development).
  'GET /api/v1/orgs/{org}/workspaces': { need: 'reader', params: org },
  'POST /api/v1/orgs/{org}/workspaces': { need: 'admin', params: org, body: (_f, p) => ({ name: `ws-${p.toLowerCase()}` }) },
  'GET /api/v1/orgs/{org}/workspaces/{ws}': { need: 'reader', params: wsp },
  'PATCH /api/v1/orgs/{org}/workspaces/{ws}': { need: 'admin', params: wsp, body: () => ({ autoApply: false }) },
  'DELETE /api/v1/orgs/{org}/workspaces/{ws}': { need: 'admin', params: (f) => ({ org: f.org, ws: f.doomedWorkspace }), once: true },
  'PUT /api/v1/orgs/{org}/workspaces/{ws}/variables': { need: 'admin', params: wsp, body: () => [{ key: 'region', value: 'eu-west-1', category: 'terraform' }] },
  'PUT /api/v1/orgs/{org}/workspaces/{ws}/credentials': { need: 'admin', params: wsp, body: () => ({ credentialIds: [] }) },
  'POST /api/v1/orgs/{org}/workspaces/{ws}/configurations': { need: 'publisher', params: wsp, body: () => ({ raw: 'module', contentType: 'application/gzip' }) },
  // A speculative plan of a workspace with no configuration is refused after the permission check.
  'POST /api/v1/orgs/{org}/workspaces/{ws}/runs': { need: 'publisher', params: (f) => ({ org: f.org, ws: f.doomedWorkspace }), body: () => ({ operation: 'plan' }), allow: { status: 400, code: 'configuration_missing' } },
  'GET /api/v1/orgs/{org}/workspaces/{ws}/runs': { need: 'reader', params: wsp },
  'GET /api/v1/orgs/{org}/runs': { need: 'reader', params: org },
  'GET /api/v1/orgs/{org}/run-policy': { need: 'reader', params: org },
  'PUT /api/v1/orgs/{org}/run-policy': { need: 'admin', params: org, body: () => ({ requiredTags: [] }) },
  'GET /api/v1/runs/{id}': { need: 'reader', params: run },
  'POST /api/v1/runs/{id}/approve': { need: 'publisher', params: run, body: () => ({ comment: 'ok' }), allow: { status: 409, code: 'run_not_awaiting_approval' } },
  'POST /api/v1/runs/{id}/discard': { need: 'publisher', params: run, body: () => ({}), allow: { status: 409, code: 'run_not_awaiting_approval' } },
  'POST /api/v1/runs/{id}/cancel': { need: 'publisher', params: run, allow: { status: 409, code: 'run_finished' } },
  'GET /api/v1/runs/{id}/logs': { need: 'reader', params: run },
  'GET /api/v1/runs/{id}/logs/search': { need: 'reader', params: run },
  'GET /api/v1/runs/{id}/logs/events': { need: 'reader', params: run },
  'GET /api/v1/orgs/{org}/webhooks': { need: 'admin', params: org },
  'POST /api/v1/orgs/{org}/webhooks': { need: 'admin', params: org, body: (f, p) => ({ url: `${f.githubUrl}/hooks/${p}`, events: ['webhook.test'] }) },
  'GET /api/v1/orgs/{org}/webhooks/{id}': { need: 'admin', params: hook },
  'PATCH /api/v1/orgs/{org}/webhooks/{id}': { need: 'admin', params: hook, body: () => ({ events: ['webhook.test', 'run.errored'] }) },
  'DELETE /api/v1/orgs/{org}/webhooks/{id}': { need: 'admin', params: (f) => ({ org: f.org, id: f.doomedWebhookId }), once: true },
  'GET /api/v1/orgs/{org}/webhooks/{id}/deliveries': { need: 'admin', params: hook },
  'POST /api/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver': { need: 'admin', params: (f) => ({ ...hook(f), deliveryId: f.webhookDeliveryId }) },
  'POST /api/v1/orgs/{org}/webhooks/{id}/test': { need: 'admin', params: hook },

  'GET /api/v1/orgs/{org}/audit': { need: 'admin', params: org },
  'GET /api/v1/orgs/{org}/audit/export': { need: 'admin', params: org, query: () => ({ format: 'ndjson' }) },
  'GET /api/v1/audit': { need: 'platform-admin', scope: 'global' },
  'GET /api/v1/audit/export': { need: 'platform-admin', scope: 'global', query: () => ({ format: 'csv' }) },
  // State content holds secrets: reading it takes the right to run; metadata and diffs (paths, no values) readers.
  [`GET ${STATE}`]: { need: 'publisher', params: stateWs },
  [`POST ${STATE}`]: { need: 'publisher', params: stateWs, body: stateFile, allow: { status: 423, code: 'state_locked' } },
  [`GET ${STATE}/lock`]: { need: 'reader', params: stateWs },
  [`POST ${STATE}/lock`]: { need: 'publisher', params: stateWs, body: (_, p) => ({ ID: `matrix-${p}` }), allow: { status: 423, code: 'state_locked' } },
  // Force-unlock (an UNLOCK naming the holder's ID needs only `publisher`: test/e2e/state-backend.test.ts).
  [`DELETE ${STATE}/lock`]: { need: 'admin', params: stateWs, query: () => ({ force: 'true' }), once: true },
  [`GET ${STATE}/versions`]: { need: 'reader', params: stateWs },
  [`GET ${STATE}/versions/{id}`]: { need: 'publisher', params: stateVersion },
  [`GET ${STATE}/versions/{id}/diff`]: { need: 'reader', params: stateVersion, query: (f) => ({ against: f.stateVersionId }) },
  [`POST ${STATE}/versions/{id}/restore`]: { need: 'admin', params: stateVersion, allow: { status: 423, code: 'state_locked' } },

  'POST /api/v1/auth/password-reset': { need: 'public', exempt: 'answers 202 to everyone by design (no enumeration), rate limited per address: test/identity/account-flows.test.ts' },
  'POST /api/v1/auth/password-reset/confirm': { need: 'public', exempt: 'authenticated by the single-use reset token (test/identity/account-flows.test.ts)' },
  'POST /api/v1/auth/verify-email': { need: 'public', exempt: 'authenticated by the single-use verification token (test/identity/account-flows.test.ts)' },
  'POST /api/v1/me/verify-email': { need: 'signed-in', exempt: "about the caller's own account only, no organisation's data (test/identity/account-flows.test.ts)" },
  'POST /api/v1/me/password': { need: 'signed-in', exempt: "about the caller's own account only and needs the current password (test/identity/account-flows.test.ts)" },
  'GET /api/v1/auth/providers': { need: 'public', scope: 'global' },
  'GET /api/v1/auth/oidc/{provider}/login': { need: 'public', exempt: 'the start of an SSO sign-in: anyone may begin one (test/identity/oidc.test.ts, against a real OIDC server)' },
  'GET /api/v1/auth/oidc/{provider}/callback': { need: 'public', exempt: "the IdP's redirect back, authenticated by the signed flow cookie, state, nonce and PKCE (test/identity/oidc.test.ts)" },
  'GET /oauth/authorize': { need: 'public', exempt: 'login.v1 (OAuth authorization code + PKCE for tofu/terraform login): the session decides, test/identity/tofu-login.test.ts' },
  'POST /oauth/token': { need: 'public', exempt: 'login.v1 token exchange, authenticated by the single-use code and its PKCE verifier (test/identity/tofu-login.test.ts)' },
  'POST /webhooks/{provider}': { need: 'public', exempt: "a forge's delivery, authenticated by its signature or secret (test/vcs)" },
  'POST /webhooks/{provider}/{linkId}': { need: 'public', exempt: "a forge's delivery, authenticated by its signature or secret (test/vcs)" },

  // Notifications: a person's own inbox and preferences (ids of others' notifications are answered as missing).
  'GET /api/v1/me/notifications': { need: 'signed-in', scope: 'global' },
  'GET /api/v1/me/notifications/events': { need: 'signed-in', exempt: "a stream that stays open, about the caller's own inbox only (test/notifications/notifications.test.ts)" },
  'POST /api/v1/me/notifications/read-all': { need: 'signed-in', scope: 'global' },
  'POST /api/v1/me/notifications/{id}/read': { need: 'signed-in', scope: 'global', params: () => ({ id: '00000000-0000-4000-8000-000000000001' }), allow: { status: 404, code: 'not_found' } },
  'DELETE /api/v1/me/notifications/{id}': { need: 'signed-in', scope: 'global', params: () => ({ id: '00000000-0000-4000-8000-000000000001' }), allow: { status: 404, code: 'not_found' } },
  'GET /api/v1/me/notification-preferences': { need: 'signed-in', scope: 'global' },
  'PUT /api/v1/me/notification-preferences': { need: 'signed-in', scope: 'global', body: () => ({ preferences: [] }) },
  'GET /api/v1/orgs/{org}/notification-defaults': { need: 'reader', params: org },
  'PUT /api/v1/orgs/{org}/notification-defaults': { need: 'admin', params: org, body: () => ({ preferences: [] }) },
  'GET /api/v1/orgs/{org}/teams/{team}/notification-defaults': { need: 'reader', params: team },
  'PUT /api/v1/orgs/{org}/teams/{team}/notification-defaults': { need: 'admin', params: team, body: () => ({ preferences: [] }) },
  'GET /api/v1/notifications/unsubscribe/{token}': { need: 'public', exempt: "authenticated by the mail's signed link (test/notifications/notifications.test.ts)" },
  'POST /api/v1/notifications/unsubscribe/{token}': { need: 'public', exempt: "authenticated by the mail's signed link (test/notifications/notifications.test.ts)" },
  // A forged link reaches the check only after sign-in; real links are tested in test/notifications/action-links.test.ts.
  'GET /api/v1/action-links/{token}': { need: 'signed-in', scope: 'global', params: () => ({ token: 'forged.link' }), allow: { status: 404, code: 'action_link_invalid' } },
  'POST /api/v1/action-links/{token}/confirm': { need: 'signed-in', scope: 'global', params: () => ({ token: 'forged.link' }), allow: { status: 404, code: 'action_link_invalid' } },
};
