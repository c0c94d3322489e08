import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createNamespace, createOrg, createUser, json, signIn, userToken } from './session-helpers';

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let moduleBytes: Buffer;
/** Tokens: the owner and an admin of acme; `pub` and `rdr` belong to acme only through teams; `eve` owns `other`. */
const t: Record<'owner' | 'admin' | 'pub' | 'rdr' | 'eve', string> = { owner: '', admin: '', pub: '', rdr: '', eve: '' };
const ids: Record<string, string> = {};

const send = (method: string, path: string, token: string, body?: unknown) =>
  call(path, { method, token, ...(body === undefined ? {} : { headers: json, body: JSON.stringify(body) }) });
const publish = (token: string, namespace: string, version = '1.0.0') =>
  call(`/api/v1/modules/${namespace}/demo/aws/${version}?wait=true`, { method: 'POST', token, body: moduleBytes, headers: { 'content-type': 'application/gzip' } });
const auditOf = (action: string) => platform.db('audit_log').where({ action }).orderBy('at').select(['target', 'result', 'details', 'actor_label']);

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-teams-'));
  moduleBytes = (await writeDemoModule(work, '1.0.0')).bytes;
  for (const name of ['owner', 'admin', 'pub', 'rdr', 'eve'] as const) {
    const user = await createUser(call, `${name}@teams.test`);
    ids[name] = user.id;
    t[name] = await userToken(call, await signIn(call, user.email, user.password));
  }
  await createOrg(call, t.owner, 'acme');
  await addMember(call, t.owner, 'acme', 'admin@teams.test', 'admin');
  await createNamespace(call, t.owner, 'acme', 'acme-infra');
  await createNamespace(call, t.owner, 'acme', 'acme-apps');
  await createOrg(call, t.eve, 'other');
  await createNamespace(call, t.eve, 'other', 'other-ns');
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('teams of an organisation', () => {
  it('are created by admins, with names unique per organisation whatever their case', async () => {
    const res = await send('POST', '/api/v1/orgs/acme/teams', t.admin, { name: 'Infra', ssoGroup: 'acme-infra-engineers' });
    expect(res.status, res.body.toString()).toBe(201);
    expect(res.json()).toMatchObject({ name: 'Infra', organization: 'acme', role: null, ssoGroup: 'acme-infra-engineers', memberCount: 0 });
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.owner, { name: 'infra' })).json().error.code).toBe('team_exists');
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.owner, { name: 'infra' })).status).toBe(409);
    // Another organisation may use the same name.
    expect((await send('POST', '/api/v1/orgs/other/teams', t.eve, { name: 'infra' })).status).toBe(201);
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.admin, { name: 'bad name!' })).status).toBe(400);
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.admin, { name: 'x', role: 'boss' })).status).toBe(400);
    expect(await auditOf('team.create')).toContainEqual(expect.objectContaining({ target: 'Infra', result: 'success', actor_label: expect.stringMatching(/^admin@teams.test \(token /) }));
  });

  it('with the owner role are an owner’s decision: admins cannot create, join or change them', async () => {
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.admin, { name: 'owners', role: 'owner' })).status).toBe(403);
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.owner, { name: 'owners', role: 'owner' })).status).toBe(201);
    expect((await send('POST', '/api/v1/orgs/acme/teams/owners/members', t.admin, { email: 'admin@teams.test' })).status).toBe(403);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/owners', t.admin, { role: 'reader' })).status).toBe(403);
    expect((await send('DELETE', '/api/v1/orgs/acme/teams/owners', t.admin)).status).toBe(403);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/infra', t.admin, { role: 'owner' })).status).toBe(403);
    // The admin did not become an owner on the way.
    expect((await send('GET', '/api/v1/orgs/acme', t.admin)).json().role).toBe('admin');
    expect((await send('DELETE', '/api/v1/orgs/acme/teams/owners', t.owner)).status).toBe(204);
  });

  it('are visible to members and hidden from other organisations', async () => {
    const list = await send('GET', '/api/v1/orgs/acme/teams', t.admin);
    expect(list.json().items.map((x: { name: string }) => x.name)).toEqual(['Infra']);
    for (const path of ['/api/v1/orgs/acme/teams', '/api/v1/orgs/acme/teams/infra', '/api/v1/orgs/acme/teams/infra/members']) {
      expect((await send('GET', path, t.eve)).status, path).toBe(404);
      expect((await call(path, { token: null })).status, path).toBe(401);
    }
    expect((await send('POST', '/api/v1/orgs/acme/teams', t.eve, { name: 'evil' })).status).toBe(404);
    expect((await send('GET', '/api/v1/orgs/acme/teams/nope', t.admin)).status).toBe(404);
  });
});

describe('a team with a namespace role', () => {
  it('lets its members publish into that namespace and no other', async () => {
    expect((await publish(t.pub, 'acme-infra')).status).toBe(404);
    const put = await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/acme-infra', t.admin, { role: 'publisher' });
    expect(put.status, put.body.toString()).toBe(200);
    expect(put.json()).toEqual({ namespace: 'acme-infra', role: 'publisher' });
    const added = await send('POST', '/api/v1/orgs/acme/teams/infra/members', t.admin, { email: 'pub@teams.test' });
    expect(added.status, added.body.toString()).toBe(201);
    expect(added.json()).toMatchObject({ userId: ids.pub, email: 'pub@teams.test', source: 'manual' });
    expect((await send('POST', '/api/v1/orgs/acme/teams/infra/members', t.admin, { email: 'pub@teams.test' })).status).toBe(409);
    expect((await send('POST', '/api/v1/orgs/acme/teams/infra/members', t.admin, { email: 'nobody@teams.test' })).status).toBe(404);

    const detail = (await send('GET', '/api/v1/orgs/acme/teams/infra', t.admin)).json();
    expect(detail).toMatchObject({ memberCount: 1, members: [{ email: 'pub@teams.test' }], namespaces: [{ namespace: 'acme-infra', role: 'publisher' }] });

    const ok = await publish(t.pub, 'acme-infra');
    expect(ok.status, ok.body.toString()).toBe(201);
    // acme-apps: not readable either, so it is answered as missing.
    expect((await publish(t.pub, 'acme-apps')).status).toBe(404);
    // No organisation role: the organisation itself stays out of sight, the namespace shows in search.
    expect((await send('GET', '/api/v1/orgs/acme', t.pub)).status).toBe(404);
    const found = (await send('GET', '/api/v1/search?q=demo', t.pub)).json();
    expect(found.items.map((i: { namespace: string }) => i.namespace)).toEqual(['acme-infra']);
    expect(await auditOf('team.namespace.set')).toContainEqual(expect.objectContaining({ target: 'Infra', details: { namespace: 'acme-infra', from: null, to: 'publisher' } }));
    expect(await auditOf('team.member.add')).toContainEqual(expect.objectContaining({ target: 'Infra', details: { userId: ids.pub, email: 'pub@teams.test' } }));
  });

  it('can only name a namespace of the same organisation, and not as owner', async () => {
    expect((await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/other-ns', t.admin, { role: 'reader' })).status).toBe(404);
    expect((await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/missing-ns', t.admin, { role: 'reader' })).status).toBe(404);
    expect((await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/acme-apps', t.admin, { role: 'owner' })).status).toBe(400);
    // Eve owns `other` and its team `infra`, but cannot reach acme's namespace through it.
    expect((await send('PUT', '/api/v1/orgs/other/teams/infra/namespaces/acme-infra', t.eve, { role: 'admin' })).status).toBe(404);
    expect((await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/acme-apps', t.pub, { role: 'admin' })).status).toBe(404);
  });

  it('stops working when the role or the membership is removed', async () => {
    expect((await send('DELETE', '/api/v1/orgs/acme/teams/infra/namespaces/acme-infra', t.admin)).status).toBe(204);
    expect((await send('DELETE', '/api/v1/orgs/acme/teams/infra/namespaces/acme-infra', t.admin)).status).toBe(404);
    expect((await publish(t.pub, 'acme-infra', '1.0.1')).status).toBe(404);
    expect((await send('PUT', '/api/v1/orgs/acme/teams/infra/namespaces/acme-infra', t.admin, { role: 'publisher' })).status).toBe(200);
    expect((await publish(t.pub, 'acme-infra', '1.0.1')).status).toBe(201);
    expect((await send('DELETE', `/api/v1/orgs/acme/teams/infra/members/${ids.pub}`, t.admin)).status).toBe(204);
    expect((await send('DELETE', `/api/v1/orgs/acme/teams/infra/members/${ids.pub}`, t.admin)).status).toBe(404);
    expect((await publish(t.pub, 'acme-infra', '1.0.2')).status).toBe(404);
    expect(await auditOf('team.member.remove')).toHaveLength(1);
  });
});

describe('a team with an organisation role', () => {
  it('gives its members that role on every namespace of the organisation', async () => {
    const created = await send('POST', '/api/v1/orgs/acme/teams', t.admin, { name: 'readers', role: 'reader' });
    expect(created.status).toBe(201);
    expect((await send('GET', '/api/v1/namespaces/acme-apps', t.rdr)).status).toBe(404);
    expect((await send('POST', '/api/v1/orgs/acme/teams/readers/members', t.admin, { email: 'rdr@teams.test' })).status).toBe(201);
    expect((await send('GET', '/api/v1/orgs/acme', t.rdr)).json().role).toBe('reader');
    const namespaces = (await send('GET', '/api/v1/orgs/acme/namespaces', t.rdr)).json().items.map((n: { name: string }) => n.name);
    expect(namespaces).toEqual(['acme-apps', 'acme-infra']);
    expect((await call('/v1/modules/acme-infra/demo/aws/versions', { token: t.rdr })).status).toBe(200);
    expect((await send('GET', '/api/v1/namespaces/acme-apps', t.rdr)).status).toBe(200);
    // Reading is not publishing, and it gives nothing in another organisation.
    expect((await publish(t.rdr, 'acme-apps')).status).toBe(403);
    expect((await send('GET', '/api/v1/namespaces/other-ns', t.rdr)).status).toBe(404);
    // A reader may look at the teams but not change them.
    expect((await send('GET', '/api/v1/orgs/acme/teams', t.rdr)).status).toBe(200);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/readers', t.rdr, { role: 'admin' })).status).toBe(403);
  });

  it('changes with PATCH: the role, the SSO group and the name', async () => {
    const res = await send('PATCH', '/api/v1/orgs/acme/teams/readers', t.admin, { role: 'publisher', ssoGroup: 'acme-devs', name: 'Developers' });
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Developers', role: 'publisher', ssoGroup: 'acme-devs', members: [{ email: 'rdr@teams.test' }] });
    expect((await publish(t.rdr, 'acme-apps')).status).toBe(201);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/developers', t.admin, { name: 'INFRA' })).status).toBe(409);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/developers', t.admin, {})).status).toBe(400);
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/developers', t.admin, { role: null })).status).toBe(200);
    expect((await send('GET', '/api/v1/orgs/acme', t.rdr)).status).toBe(404);
    expect(await auditOf('team.update')).toHaveLength(2);
  });

  it('ends with the membership: leaving the organisation leaves its teams', async () => {
    expect((await send('PATCH', '/api/v1/orgs/acme/teams/developers', t.admin, { role: 'reader' })).status).toBe(200);
    await addMember(call, t.admin, 'acme', 'rdr@teams.test', 'reader');
    expect((await send('DELETE', `/api/v1/orgs/acme/members/${ids.rdr}`, t.admin)).status).toBe(204);
    expect((await send('GET', '/api/v1/orgs/acme/teams/developers/members', t.admin)).json().items).toEqual([]);
    expect((await send('GET', '/api/v1/orgs/acme', t.rdr)).status).toBe(404);
  });

  it('is deleted with its roles', async () => {
    expect((await send('POST', '/api/v1/orgs/acme/teams/developers/members', t.admin, { email: 'rdr@teams.test' })).status).toBe(201);
    expect((await send('GET', '/api/v1/orgs/acme', t.rdr)).status).toBe(200);
    expect((await send('DELETE', '/api/v1/orgs/acme/teams/developers', t.admin)).status).toBe(204);
    expect((await send('GET', '/api/v1/orgs/acme', t.rdr)).status).toBe(404);
    expect((await send('GET', '/api/v1/orgs/acme/teams/developers', t.admin)).status).toBe(404);
    expect(await auditOf('team.delete')).toContainEqual(expect.objectContaining({ target: 'Developers', details: { role: 'reader' } }));
  });
});
