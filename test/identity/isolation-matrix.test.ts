import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../api/openapi/route-table';
import { writeDemoModule } from '../fixtures/modules';
import { demoPlugin, DEMO_PROGRAM, pluginZip } from '../fixtures/plugins';
import { generateTestSigningKey } from '../fixtures/provider-release';
import { clientFor, type TestResponse } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { GitHubStandIn } from '../vcs/stand-ins/github';
import { allows, isScopeNarrowed, PRINCIPALS, routePermissions, type Fixture, type Principal, type RouteCase } from './route-permissions';
import { addMember, createNamespace, createOrg, json, signIn, userToken } from './session-helpers';

// Every management route × every principal, against organisation A's real objects: allowed calls succeed,
// refused ones are 401 (nobody), 403/404 (members without the role) and always 404 for organisation B's owner on
// A's things; no answer to B or to nobody names anything of A that they did not send themselves. Expectations:
// route-permissions.ts. Everything of A is named `zephyr…`, so a leak is a plain substring.

const SECRET = 'zephyr';
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let github: GitHubStandIn;
let work: string;
let moduleBytes: Buffer;
let pluginWithoutManifest: Buffer;
let fixture: Fixture;
const tokens = {} as Record<Principal, string | null>;

const management = routeTable.filter((r) => !r.protocol).map((r) => `${r.method.toUpperCase()} ${r.path}`);

async function post(path: string, token: string | null, body: unknown): Promise<TestResponse> {
  const res = await call(path, { method: 'POST', token, headers: json, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${res.body.toString()}`);
  return res;
}

async function newUser(email: string, platformAdmin = false): Promise<{ id: string; email: string; password: string }> {
  const password = `correct horse ${email} battery`;
  const res = await post('/api/v1/users', platform.token, { email, name: email.split('@')[0], password, platformAdmin });
  return { id: res.json().id, email, password };
}

async function tokenOf(user: { email: string; password: string }): Promise<string> {
  return userToken(call, await signIn(call, user.email, user.password));
}

beforeAll(async () => {
  // No engine: the fixture's run ends at once, errored.
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true', STRATA_TOFU_BIN: '/bin/false' } });
  call = clientFor(platform);
  github = await new GitHubStandIn().start();
  github.tokens.set('ghp_matrix', 'hubot');
  github.git.repository('zephyr/infra');
  work = await mkdtemp(join(tmpdir(), 'strata-matrix-'));
  moduleBytes = (await writeDemoModule(work, '1.0.0')).bytes;

  const roles = ['reader', 'publisher', 'admin', 'owner'] as const;
  const [people, outsider, admin, member, doomed, login, spares] = await Promise.all([
    Promise.all(roles.map((r) => newUser(`${r}@zephyr.test`))),
    newUser('owner@other.test'),
    newUser('root@platform.test', true),
    newUser('member@zephyr.test'),
    newUser('doomed@zephyr.test'),
    newUser('login@matrix.test'),
    Promise.all(PRINCIPALS.map((p) => newUser(`spare-${p.toLowerCase()}@matrix.test`))),
  ]);
  tokens.anonymous = null;
  for (const [i, r] of roles.entries()) tokens[r] = await tokenOf(people[i]!);
  const ownerSession = await signIn(call, people[3]!.email, people[3]!.password);
  tokens.ownerReadScope = await userToken(call, ownerSession, ['read']);
  tokens.ownerPublishScope = await userToken(call, ownerSession, ['publish']);
  tokens.outsider = await tokenOf(outsider);
  const adminSession = await signIn(call, admin.email, admin.password);
  tokens.platformAdmin = await userToken(call, adminSession);
  tokens.platformAdminReadScope = await userToken(call, adminSession, ['read']);

  const owner = tokens.owner!;
  const org = 'zephyr-corp';
  await createOrg(call, owner, org);
  for (const r of ['reader', 'publisher', 'admin'] as const) await addMember(call, owner, org, `${r}@zephyr.test`, r);
  await addMember(call, owner, org, member.email, 'reader');
  await addMember(call, owner, org, doomed.email, 'reader');
  await createNamespace(call, owner, org, 'zephyr-vault');
  await post(`/api/v1/orgs/${org}/teams`, owner, { name: 'zephyr-team' });
  await post(`/api/v1/orgs/${org}/teams/zephyr-team/members`, owner, { email: member.email });
  const put = await call(`/api/v1/orgs/${org}/teams/zephyr-team/namespaces/zephyr-vault`, { method: 'PUT', token: owner, headers: json, body: JSON.stringify({ role: 'publisher' }) });
  expect(put.status, put.body.toString()).toBe(200);

  // Organisation B has things of its own, so its lists are not empty by accident.
  await createOrg(call, tokens.outsider!, 'other-corp');
  await createNamespace(call, tokens.outsider!, 'other-corp', 'other-vault');
  const gzip = { 'content-type': 'application/gzip' };
  const workflowIds: string[] = [];
  for (const [token, namespace] of [[owner, 'zephyr-vault'], [tokens.outsider!, 'other-vault']] as const) {
    const up = await call(`/api/v1/modules/${namespace}/demo/aws/1.0.0?wait=true`, { method: 'POST', token, body: moduleBytes, headers: gzip });
    expect(up.status, up.body.toString()).toBe(201);
    workflowIds.push(up.json().workflowId);
  }
  const workflowId = workflowIds[0]!;

  const key = await generateTestSigningKey();
  const gpg = await post('/api/v1/namespaces/zephyr-vault/gpg-keys', owner, { asciiArmor: key.publicArmored });
  const connection = await post('/api/v1/vcs/connections', owner, { kind: 'github', name: 'zephyr-gh', organization: org, baseUrl: github.url, token: 'ghp_matrix' });
  await post('/api/v1/modules/zephyr-vault/demo/aws/vcs', owner, { connectionId: connection.json().id, repository: 'zephyr/infra' });
  const credential = await post(`/api/v1/orgs/${org}/credentials`, owner, { name: 'zephyr-hcloud', kind: 'hetzner', secret: { token: 'matrix' }, settings: { endpoint: github.url } });
  await post('/api/v1/orgs/other-corp/credentials', tokens.outsider!, { name: 'other-hcloud', kind: 'hetzner', secret: { token: 'other' }, settings: { endpoint: github.url } });
  const hook = (await post(`/api/v1/orgs/${org}/webhooks`, owner, { url: `${github.url}/hooks/zephyr`, events: ['webhook.test'] })).json();
  const doomedHook = (await post(`/api/v1/orgs/${org}/webhooks`, owner, { url: `${github.url}/hooks/doomed`, events: ['webhook.test'] })).json();
  await post(`/api/v1/orgs/${org}/webhooks/${hook.id}/test`, owner, {});
  let webhookDeliveryId: string | undefined;
  for (let i = 0; i < 100 && !webhookDeliveryId; i++) {
    webhookDeliveryId = (await call(`/api/v1/orgs/${org}/webhooks/${hook.id}/deliveries`, { token: owner })).json().items[0]?.id;
    if (!webhookDeliveryId) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await post(`/api/v1/orgs/${org}/workspaces`, owner, { name: 'zephyr-ws' });
  await post(`/api/v1/orgs/${org}/workspaces`, owner, { name: 'zephyr-ws-doomed' });
  await post(`/api/v1/orgs/other-corp/workspaces`, tokens.outsider!, { name: 'other-ws' });
  const configuration = await call(`/api/v1/orgs/${org}/workspaces/zephyr-ws/configurations`, { method: 'POST', token: owner, body: moduleBytes, headers: gzip });
  expect(configuration.status, configuration.body.toString()).toBe(201);
  // A run that ends at once (no engine on this platform): approve, discard and cancel then meet a finished run.
  const queued = (await post(`/api/v1/orgs/${org}/workspaces/zephyr-ws/runs`, owner, { operation: 'plan' })).json();
  for (let i = 0; i < 300; i++) {
    const status = (await call(`/api/v1/runs/${queued.id}`, { token: owner })).json().status;
    if (['errored', 'planned', 'planned_no_changes'].includes(status)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const orgA = (await platform.db('organizations').where({ name: org }).first('id')) as { id: string };
  const [created] = (await platform.db('workspaces')
    .insert({ org_id: orgA.id, name: 'zephyr-stack', engine: 'pulumi', source: JSON.stringify({ kind: 'plugin', plugin: 'zephyr-plugin', version: '1.0.0' }), environment: 'development' })
    .returning('id')) as { id: string }[];
  const deploymentId = created!.id;
  const throwaway = await post('/api/v1/tokens', owner, { name: 'throwaway' });
  const sessions = (await call('/api/v1/me/sessions', { token: owner })).json().items as { id: string }[];
  // A workspace of A with a state version, locked (the lock routes' refusals come after the permission check).
  const stateWorkspace = 'zephyr-state';
  await post(`/api/v1/orgs/${org}/workspaces`, owner, { name: stateWorkspace });
  const statePath = `/api/v1/orgs/${org}/workspaces/${stateWorkspace}/state`;
  const state = await post(statePath, owner, { version: 4, serial: 1, lineage: 'zephyr-lineage', resources: [] });
  await post(`${statePath}/lock`, owner, { ID: 'zephyr-lock', Who: 'zephyr-owner' });

  // Plugins of A: one unlocked, one locked with access requests in each state the decision routes start from.
  pluginWithoutManifest = await pluginZip([{ name: 'index.js', content: DEMO_PROGRAM }]);
  for (const name of ['zephyr-plugin', 'zephyr-locked']) {
    const published = await call(`/api/v1/orgs/${org}/plugins?wait=true`, { method: 'POST', token: owner, body: await demoPlugin(name, '1.0.0'), headers: { 'content-type': 'application/zip' } });
    expect(published.status, published.body.toString()).toBe(201);
  }
  await post(`/api/v1/orgs/${org}/plugins/zephyr-locked/lock`, owner, {});
  const requestOf = async (token: string) => (await post(`/api/v1/orgs/${org}/plugins/zephyr-locked/access-requests`, token, { reason: 'zephyr work' })).json().id as string;
  const [pendingRequestId, otherPendingRequestId, approvedRequestId] = [await requestOf(tokens.reader!), await requestOf(await tokenOf(member)), await requestOf(tokens.publisher!)];
  await post(`/api/v1/orgs/${org}/plugins/zephyr-locked/access-requests/${approvedRequestId}/approve`, owner, {});

  fixture = {
    org,
    namespace: 'zephyr-vault',
    module: { name: 'demo', system: 'aws', version: '1.0.0' },
    provider: 'widget',
    team: 'zephyr-team',
    memberId: member.id,
    doomedMemberId: doomed.id,
    gpgKeyId: gpg.json().keyId,
    connectionId: connection.json().id,
    repository: 'zephyr/infra',
    workflowId,
    ownerTokenId: throwaway.json().id,
    ownerSessionId: sessions[0]!.id,
    spareEmail: Object.fromEntries(PRINCIPALS.map((p, i) => [p, spares[i]!.email])) as Record<Principal, string>,
    login: { email: login.email, password: login.password },
    githubUrl: github.url,
    stateWorkspace,
    stateVersionId: state.json().id,
    credentialId: credential.json().id,
    webhookId: hook.id,
    webhookDeliveryId: webhookDeliveryId!,
    doomedWebhookId: doomedHook.id,
    workspace: 'zephyr-ws',
    doomedWorkspace: 'zephyr-ws-doomed',
    runId: queued.id,
    deploymentId,
    plugin: 'zephyr-plugin',
    lockedPlugin: 'zephyr-locked',
    pendingRequestId,
    otherPendingRequestId,
    approvedRequestId,
  };
}, 300_000);

afterAll(async () => {
  await github?.close();
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

interface Sent {
  res: TestResponse;
  /** Every string the caller put in the path, query or body: echoing those back reveals nothing. */
  sent: string[];
}

async function invoke(key: string, rc: RouteCase, p: Principal): Promise<Sent> {
  const [method, template] = key.split(' ') as [string, string];
  const params = rc.params?.(fixture, p) ?? {};
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`${key}: no value for {${name}}`);
    return encodeURIComponent(params[name]);
  });
  const query = rc.query?.(fixture, p);
  const url = query ? `${path}?${new URLSearchParams(query).toString()}` : path;
  const body = rc.body?.(fixture, p) as Record<string, unknown> | undefined;
  const sent = [...Object.values(params), ...Object.values(query ?? {})];
  const token = tokens[p];
  let res: TestResponse;
  if (body?.raw === 'module') res = await call(url, { method, token, body: moduleBytes, headers: { 'content-type': 'application/gzip' } });
  else if (body?.raw === 'plugin-zip') res = await call(url, { method, token, body: pluginWithoutManifest, headers: { 'content-type': 'application/zip' } });
  else if (body?.raw === 'empty-form') res = await call(url, { method, token, body: new FormData() });
  else if (body) {
    sent.push(...Object.values(body).filter((v): v is string => typeof v === 'string'));
    res = await call(url, { method, token, headers: json, body: JSON.stringify(body) });
  } else res = await call(url, { method, token });
  return { res, sent };
}

/** What the principal should get: `allow`, or the status of the refusal. */
function expectation(rc: RouteCase, p: Principal): 'allow' | number {
  if (allows(rc, p)) return 'allow';
  if (p === 'anonymous') return rc.anonymousDeny ?? 401;
  if (p === 'outsider' && rc.scope !== 'global') return 404;
  if (rc.adminScope && isScopeNarrowed(p)) return 403;
  return rc.memberDeny ?? 403;
}

/** A failure description, or null when the answer is what the table says. */
function judge(key: string, rc: RouteCase, p: Principal, { res, sent }: Sent): string | null {
  const text = res.body.toString();
  const wanted = expectation(rc, p);
  const where = `${p.padEnd(13)} ${key}`;
  if (p === 'outsider' || p === 'anonymous') {
    const rest = sent.reduce((t, s) => t.split(s).join(''), text);
    if (rest.toLowerCase().includes(SECRET)) return `${where}: answer names organisation A's things: ${text.slice(0, 300)}`;
  }
  if (wanted !== 'allow') {
    return res.status === wanted ? null : `${where}: expected ${wanted}, got ${res.status} ${text.slice(0, 200)}`;
  }
  if (rc.allow) {
    const error = res.status >= 400 ? (JSON.parse(text) as { error: { code: string; message: string } }).error : undefined;
    const ok = res.status === rc.allow.status && (!rc.allow.code || error?.code === rc.allow.code) && (!rc.allow.message || rc.allow.message.test(error?.message ?? ''));
    return ok ? null : `${where}: expected an allowed ${rc.allow.status}${rc.allow.code ? ` ${rc.allow.code}` : ''}, got ${res.status} ${text.slice(0, 200)}`;
  }
  return res.status >= 200 && res.status < 300 ? null : `${where}: expected 2xx, got ${res.status} ${text.slice(0, 200)}`;
}

/** Runs `jobs` with at most `width` at a time (two cores; the platform shares them). */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

describe('the isolation matrix', () => {
  it('has an expectation for every management route of the route table, and none for routes that are gone', () => {
    const missing = management.filter((k) => !routePermissions[k]);
    expect(missing, 'add these routes to test/identity/route-permissions.ts').toEqual([]);
    expect(Object.keys(routePermissions).filter((k) => !management.includes(k))).toEqual([]);
  });

  it('answers every route as the table says, for every principal', async () => {
    const cases = management.filter((k) => !routePermissions[k]!.exempt).map((k) => [k, routePermissions[k]!] as const);
    // First every refusal and every repeatable allowed call, in parallel; then the one allowed call of each
    // destructive route, from the least privileged principal allowed, children before parents.
    const first: (() => Promise<string | null>)[] = [];
    const last: (() => Promise<string | null>)[] = [];
    for (const [key, rc] of cases) {
      const onceBy = rc.once ? PRINCIPALS.find((p) => allows(rc, p)) : undefined;
      for (const p of PRINCIPALS) {
        const allowed = allows(rc, p);
        if (rc.once && allowed && p !== onceBy) continue;
        const job = async () => judge(key, rc, p, await invoke(key, rc, p));
        (rc.once && allowed ? last : first).push(job);
      }
    }
    const failures = [...(await pool(first, 6)), ...(await pool(last.reverse(), 1))].filter((f): f is string => f !== null);
    expect(failures).toEqual([]);
    expect(first.length + last.length).toBeGreaterThan(cases.length * 5);
  }, 240_000);
});

describe('organisation B', () => {
  const lists = [
    '/api/v1/search?q=demo',
    '/api/v1/search?namespace=zephyr-vault',
    '/api/v1/modules?q=demo',
    '/api/v1/modules?namespace=zephyr-vault',
    '/api/v1/providers',
    '/api/v1/orgs',
    '/api/v1/me',
    '/api/v1/workflows',
    '/api/v1/vcs/connections',
  ];

  it('lists and finds nothing of organisation A, while A sees its own', async () => {
    for (const path of lists) {
      const asB = await call(path, { token: tokens.outsider });
      expect(asB.status, path).toBe(200);
      expect(asB.body.toString().replaceAll('namespace=zephyr-vault', ''), path).not.toContain(SECRET);
      const anonymous = await call(path, { token: null });
      if (anonymous.status === 200) expect(anonymous.body.toString(), path).not.toContain(SECRET);
    }
    // The same lists do show A's things to A (so the checks above can fail), and B's own things to B.
    // (A full page of workflows: the newest are mostly notification fan-outs, which only platform admins see.)
    for (const path of ['/api/v1/search?q=demo', '/api/v1/modules?q=demo', '/api/v1/orgs', '/api/v1/workflows?per_page=100', '/api/v1/vcs/connections']) {
      expect((await call(path, { token: tokens.admin })).body.toString(), path).toContain(SECRET);
    }
    expect((await call('/api/v1/search?q=demo', { token: tokens.outsider })).json().items.map((i: { namespace: string }) => i.namespace)).toEqual(['other-vault']);
  });
});

describe('a token narrowed to reading', () => {
  it("lists no VCS connections and no connection's workflows, even a platform admin's", async () => {
    // Connections are administered, not read: the same token gets 404 for each one (the matrix checks that).
    for (const p of ['ownerReadScope', 'platformAdminReadScope'] as const) {
      expect((await call('/api/v1/vcs/connections', { token: tokens[p] })).json().items, p).toEqual([]);
      const check = await call(`/api/v1/workflows/${encodeURIComponent(`vcs-connection-check:${fixture.connectionId}`)}`, { token: tokens[p] });
      expect(check.status, p).toBe(404);
    }
    expect((await call('/api/v1/vcs/connections', { token: tokens.platformAdmin })).json().items.length).toBeGreaterThan(0);
    expect((await call(`/api/v1/workflows/${encodeURIComponent(`vcs-connection-check:${fixture.connectionId}`)}`, { token: tokens.platformAdmin })).status).toBe(200);
  });
});
