import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { loadPluginVersion, validateInputs } from '../../core/plugins/load';
import { mayUsePlugin } from '../../core/plugins/access';
import { ANONYMOUS_ACCESS, type Access } from '../../core/auth/policy';
import { demoManifest, demoPlugin, DEMO_PROGRAM, pluginZip } from '../fixtures/plugins';
import { clientFor, type TestResponse } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';

// The Pulumi plugin catalogue end to end: uploads through the API and the `plugin-publish` workflow on a real
// Temporal server and worker, stored in the real blob store, the catalogue and access requests in PostgreSQL.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
const tokens = {} as Record<'owner' | 'admin' | 'publisher' | 'reader' | 'outsider', string>;
const ids = {} as Record<'owner' | 'admin' | 'publisher' | 'reader', string>;

beforeAll(async () => {
  platform = await startPlatform({});
  call = clientFor(platform);
  const roles = ['owner', 'admin', 'publisher', 'reader'] as const;
  const users = await Promise.all([...roles, 'outsider'].map((r) => createUser(call, `${r}@plugins.test`)));
  for (const [i, r] of [...roles, 'outsider' as const].entries()) tokens[r] = await userToken(call, await signIn(call, users[i]!.email, users[i]!.password));
  for (const [i, r] of roles.entries()) ids[r] = users[i]!.id;
  await createOrg(call, tokens.owner, 'acme');
  for (const r of ['admin', 'publisher', 'reader'] as const) await addMember(call, tokens.owner, 'acme', `${r}@plugins.test`, r);
  await createOrg(call, tokens.outsider, 'other');
});

afterAll(async () => {
  await platform?.close();
});

const zip = { 'content-type': 'application/zip' };
const base = (org = 'acme') => `/api/v1/orgs/${org}/plugins`;
const publish = (body: Buffer, { token = tokens.publisher, org = 'acme', name, wait = true }: { token?: string; org?: string; name?: string; wait?: boolean } = {}) =>
  call(`${base(org)}${name ? `/${name}/versions` : ''}${wait ? '?wait=true' : ''}`, { method: 'POST', token, body, headers: zip });
const post = (path: string, token: string, body: unknown = {}) => call(path, { method: 'POST', token, headers: json, body: JSON.stringify(body) });

function expectError(res: TestResponse, status: number, code: string, message?: RegExp) {
  expect(res.status, res.body.toString()).toBe(status);
  expect(res.json().error.code).toBe(code);
  if (message) expect(res.json().error.message).toMatch(message);
}

describe('publishing', () => {
  it('publishes a good plugin (index.js): stored content-addressed, listed, searchable, its version with its schema', async () => {
    const bytes = await demoPlugin('web-service', '1.0.0');
    const res = await publish(bytes);
    expect(res.status, res.body.toString()).toBe(201);
    expect(res.json()).toMatchObject({ workflowId: 'plugin-publish:acme/web-service/1.0.0', name: 'web-service', version: '1.0.0', entry: 'index.js', size: bytes.length });

    const list = await call(`${base()}?q=web`, { token: tokens.reader });
    expect(list.json().items).toEqual([expect.objectContaining({ name: 'web-service', latestVersion: '1.0.0', versionCount: 1, locked: false })]);
    expect((await call(`${base()}?q=nothing-like-it`, { token: tokens.reader })).json().items).toEqual([]);

    const version = await call(`${base()}/web-service/versions/1.0.0`, { token: tokens.reader });
    expect(version.status).toBe(200);
    expect(version.json().inputs.properties.size).toEqual({ type: 'string', enum: ['small', 'medium', 'large'], default: 'small', description: 'Instance size' });
    expect(version.json().inputs.required).toEqual(['name']);
    // The author's order of the inputs survives the database (jsonb sorts keys).
    expect(version.json().inputs['x-property-order']).toEqual(['name', 'size', 'replicas', 'public']);

    const row = await platform.db('pulumi_plugin_versions').where({ version: '1.0.0' }).first();
    expect(row.blob_key).toContain(row.sha256);
    expect(await platform.storage.stat(row.blob_key)).toBeTruthy();
    const audit = await platform.db('audit_log').where({ action: 'plugin.publish', target: 'web-service@1.0.0' }).first();
    expect(audit).toMatchObject({ actor_type: 'user', actor_id: ids.publisher, result: 'success' });
  });

  it('answers 202 with the workflow to follow, and an index.ts program is accepted', async () => {
    const bytes = await pluginZip([
      { name: 'strata-plugin.json', content: JSON.stringify(demoManifest('web-service', '1.1.0')) },
      { name: 'index.ts', content: 'export default async function (inputs: { name: string }) { return { name: inputs.name }; }\n' },
    ]);
    const res = await publish(bytes, { wait: false, name: 'web-service' });
    expect(res.status, res.body.toString()).toBe(202);
    expect(res.json().statusUrl).toContain(encodeURIComponent('plugin-publish:acme/web-service/1.1.0'));
    const result = await platform.temporal.workflow.getHandle(res.json().workflowId).result();
    expect(result).toMatchObject({ entry: 'index.ts', version: '1.1.0' });
    const status = await call(`/api/v1/workflows/${encodeURIComponent(res.json().workflowId)}`, { token: tokens.reader });
    expect(status.status).toBe(200);
    expect((await call(`/api/v1/workflows/${encodeURIComponent(res.json().workflowId)}`, { token: tokens.outsider })).status).toBe(404);
    const detail = await call(`${base()}/web-service`, { token: tokens.publisher });
    expect(detail.json().versions.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(detail.json().canUse).toBe(true);
  });

  it('a published version is immutable: the same version again is 409, whatever its content', async () => {
    expectError(await publish(await demoPlugin('web-service', '1.0.0')), 409, 'version_exists');
    const changed = await pluginZip([
      { name: 'strata-plugin.json', content: JSON.stringify(demoManifest('web-service', '1.0.0')) },
      { name: 'index.js', content: `${DEMO_PROGRAM}// changed\n` },
    ]);
    expectError(await publish(changed), 409, 'version_exists');
    expect(await platform.db('pulumi_plugin_versions').where({ version: '1.0.0' }).count({ n: '*' }).first()).toEqual({ n: '1' });
  });

  const bad: [string, () => Promise<Buffer>, string, RegExp, string?][] = [
    ['no manifest', () => pluginZip([{ name: 'index.js', content: DEMO_PROGRAM }]), 'plugin_manifest_missing', /no strata-plugin\.json/],
    ['a bad semver', () => demoPlugin('bad-semver', 'v1.0'), 'plugin_version_invalid', /"v1\.0" is not a semantic version/],
    ['an inputs schema that is not an object', () => demoPlugin('bad-schema', '1.0.0', { ...demoManifest('bad-schema'), inputs: { type: 'array' } }), 'plugin_inputs_invalid', /"type": "object"/],
    ['an input default outside its enum', () => demoPlugin('bad-default', '1.0.0', { ...demoManifest('bad-default'), inputs: { type: 'object', properties: { size: { type: 'string', enum: ['s'], default: 'xl' } } } }), 'plugin_inputs_invalid', /default of input "size"/],
    ['an unknown schema keyword', () => demoPlugin('bad-keyword', '1.0.0', { ...demoManifest('bad-keyword'), inputs: { type: 'object', properties: { a: { type: 'string', colour: 'red' } } } }), 'plugin_inputs_invalid', /not a valid JSON Schema.*colour/],
    [
      'both index files',
      () => pluginZip([{ name: 'strata-plugin.json', content: JSON.stringify(demoManifest('both')) }, { name: 'index.js', content: DEMO_PROGRAM }, { name: 'index.ts', content: 'export default async () => ({})\n' }]),
      'plugin_entry_ambiguous',
      /both index\.js and index\.ts/,
    ],
    ['no program', () => pluginZip([{ name: 'strata-plugin.json', content: JSON.stringify(demoManifest('no-program')) }]), 'plugin_entry_missing', /index\.js or index\.ts/],
    [
      'a zip-slip entry',
      () => pluginZip([{ name: 'strata-plugin.json', content: JSON.stringify(demoManifest('slip')) }, { name: 'index.js', content: DEMO_PROGRAM }, { name: 'xx/yy/evil.js', content: 'x' }], { 'xx/yy/evil.js': '../../evil.js' }),
      'archive_path_traversal',
      /"\.\." segment/,
    ],
    ['a name that differs from the path', () => demoPlugin('other-name'), 'plugin_name_mismatch', /names the plugin "other-name", but it was uploaded as "web-service"/, 'web-service'],
    ['not a zip', async () => Buffer.from('PK\x03\x04 this is not really a zip'), 'archive_corrupt', /corrupt/],
  ];
  it.each(bad)('refuses %s with a clear 4xx and records nothing', async (_, make, code, message, name) => {
    const before = await platform.db('pulumi_plugin_versions').count({ n: '*' }).first();
    const res = await publish(await make(), { name });
    expect([400, 422]).toContain(res.status);
    expectError(res, res.status, code, message);
    expect(await platform.db('pulumi_plugin_versions').count({ n: '*' }).first()).toEqual(before);
    // Nothing is left in staging either.
    const staged = await platform.db('pulumi_plugins').whereIn('name', ['bad-semver', 'bad-schema', 'both', 'slip', 'other-name', 'no-program']).count({ n: '*' }).first();
    expect(staged).toEqual({ n: '0' });
  });

  it('refuses a tar.gz or a wrong media type', async () => {
    expectError(await call(`${base()}?wait=true`, { method: 'POST', token: tokens.publisher, body: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expectError(await call(`${base()}?wait=true`, { method: 'POST', token: tokens.publisher, body: gz, headers: { 'content-type': 'application/octet-stream' } }), 415, 'unsupported_media_type');
  });

  it('a reader cannot publish (403); another organisation is 404 for everything', async () => {
    expectError(await publish(await demoPlugin('readers', '1.0.0'), { token: tokens.reader }), 403, 'forbidden');
    expect((await publish(await demoPlugin('intruder', '1.0.0'), { token: tokens.outsider })).status).toBe(404);
    for (const path of [base(), `${base()}/web-service`, `${base()}/web-service/versions/1.0.0`, `${base()}/web-service/access-requests`]) {
      expect((await call(path, { token: tokens.outsider })).status, path).toBe(404);
    }
    expect((await post(`${base()}/web-service/lock`, tokens.outsider)).status).toBe(404);
    expect((await post(`${base()}/web-service/access-requests`, tokens.outsider, { reason: 'let me in' })).status).toBe(404);
    // The outsider's own organisation has its own (empty) catalogue.
    expect((await call(base('other'), { token: tokens.outsider })).json().items).toEqual([]);
  });
});

describe('locking and access requests', () => {
  const accessOf = (userId: string, role: 'reader' | 'publisher' | 'admin', orgId: string): Access => ({ platformAdmin: false, orgRoles: { [orgId]: role }, namespaceRoles: {}, scopes: ['admin'] });

  it('lock, request, approve, revoke: admins decide, both sides are notified, mayUsePlugin follows', async () => {
    const plugin = await platform.db('pulumi_plugins').where({ name: 'web-service' }).first();
    const publisherAccess = accessOf(ids.publisher, 'publisher', plugin.org_id);
    expect(await mayUsePlugin(platform.db, { access: publisherAccess, userId: ids.publisher, plugin })).toBe(true);
    expect(await mayUsePlugin(platform.db, { access: accessOf(ids.reader, 'reader', plugin.org_id), userId: ids.reader, plugin })).toBe(false);
    expect(await mayUsePlugin(platform.db, { access: ANONYMOUS_ACCESS, userId: null, plugin })).toBe(false);

    expectError(await post(`${base()}/web-service/access-requests`, tokens.publisher, {}), 409, 'plugin_not_locked');
    expectError(await post(`${base()}/web-service/lock`, tokens.publisher), 403, 'forbidden');
    const locked = await post(`${base()}/web-service/lock`, tokens.admin);
    expect(locked.status, locked.body.toString()).toBe(200);
    expect(locked.json().locked).toBe(true);
    const lockedRow = { ...plugin, locked: true };
    expect(await mayUsePlugin(platform.db, { access: publisherAccess, userId: ids.publisher, plugin: lockedRow })).toBe(false);
    expect(await mayUsePlugin(platform.db, { access: accessOf(ids.admin, 'admin', plugin.org_id), userId: ids.admin, plugin: lockedRow })).toBe(true);
    expect((await call(`${base()}/web-service`, { token: tokens.publisher })).json()).toMatchObject({ locked: true, canUse: false, myAccessRequest: null });

    const asked = await post(`${base()}/web-service/access-requests`, tokens.publisher, { reason: 'deploying the shop' });
    expect(asked.status, asked.body.toString()).toBe(201);
    expect(asked.json()).toMatchObject({ status: 'pending', reason: 'deploying the shop', user: { id: ids.publisher } });
    const again = await post(`${base()}/web-service/access-requests`, tokens.publisher, { reason: 'again' });
    expect(again.status).toBe(200);
    expect(again.json().id).toBe(asked.json().id);
    const requested = await platform.db('notification_events').where({ type: 'plugin.access_requested' });
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ org_id: plugin.org_id, user_id: null });
    expect(requested[0].payload).toMatchObject({ plugin: 'web-service', requester: 'publisher@plugins.test', reason: 'deploying the shop' });

    // Only admins see and decide requests.
    expectError(await call(`${base()}/web-service/access-requests`, { token: tokens.publisher }), 403, 'forbidden');
    const list = await call(`${base()}/web-service/access-requests`, { token: tokens.admin });
    expect(list.json().items).toEqual([expect.objectContaining({ id: asked.json().id, status: 'pending', user: { id: ids.publisher, email: 'publisher@plugins.test', name: 'publisher' } })]);
    const id = asked.json().id;
    expectError(await post(`${base()}/web-service/access-requests/${id}/approve`, tokens.publisher), 403, 'forbidden');
    expectError(await post(`${base()}/web-service/access-requests/${id}/revoke`, tokens.admin), 409, 'access_request_decided');
    const approved = await post(`${base()}/web-service/access-requests/${id}/approve`, tokens.admin);
    expect(approved.status, approved.body.toString()).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved' });
    expect(await mayUsePlugin(platform.db, { access: publisherAccess, userId: ids.publisher, plugin: lockedRow })).toBe(true);
    expect((await call(`${base()}/web-service`, { token: tokens.publisher })).json()).toMatchObject({ canUse: true, myAccessRequest: { id, status: 'approved' } });
    const decided = await platform.db('notification_events').where({ type: 'plugin.access_decided' });
    expect(decided).toEqual([expect.objectContaining({ user_id: ids.publisher, org_id: plugin.org_id })]);
    expect(decided[0].payload).toMatchObject({ status: 'approved', plugin: 'web-service' });

    const revoked = await post(`${base()}/web-service/access-requests/${id}/revoke`, tokens.owner);
    expect(revoked.json().status).toBe('revoked');
    expect(await mayUsePlugin(platform.db, { access: publisherAccess, userId: ids.publisher, plugin: lockedRow })).toBe(false);
    expect(await platform.db('notification_events').where({ type: 'plugin.access_decided' })).toHaveLength(2);

    // A new request after a revocation can be rejected.
    const second = await post(`${base()}/web-service/access-requests`, tokens.publisher, {});
    expect(second.status).toBe(201);
    expect((await post(`${base()}/web-service/access-requests/${second.json().id}/reject`, tokens.admin)).json().status).toBe('rejected');
    expect(await mayUsePlugin(platform.db, { access: publisherAccess, userId: ids.publisher, plugin: lockedRow })).toBe(false);

    // The notification fan-out reached the people concerned: admins and owner for the request, the requester for decisions.
    const inbox = async (userId: string, tries = 100) => {
      for (let i = 0; i < tries; i++) {
        const rows = await platform.db('notification_deliveries as d').join('notification_events as e', 'e.id', 'd.event_id').where({ 'd.user_id': userId, 'd.channel': 'in_app' }).where('e.type', 'like', 'plugin.%').select('e.type');
        if (rows.length > 0) return rows.map((r: { type: string }) => r.type).sort();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return [];
    };
    expect(await inbox(ids.admin)).toContain('plugin.access_requested');
    expect(await inbox(ids.publisher)).toContain('plugin.access_decided');
    // The fan-outs have run by now (the others heard): the reader, not an admin, heard of nothing.
    expect(await inbox(ids.reader, 1)).toEqual([]);

    const audits = await platform.db('audit_log').where('action', 'like', 'plugin.%').orderBy('id').pluck('action');
    expect(audits).toEqual(expect.arrayContaining(['plugin.lock', 'plugin.access_request', 'plugin.access_approve', 'plugin.access_revoke', 'plugin.access_reject']));

    expect((await post(`${base()}/web-service/unlock`, tokens.admin)).json().locked).toBe(false);
  });
});

describe('loadPluginVersion and validateInputs (for provisioning)', () => {
  it('loads a version and validates inputs, filling in defaults and naming every violation', async () => {
    const org = await platform.db('organizations').where({ name: 'acme' }).first();
    const v = await loadPluginVersion(platform.db, org.id, 'web-service', '1.0.0');
    expect(v).toMatchObject({ entry: 'index.js', blob_key: expect.stringContaining('.zip') });
    expect(validateInputs(v.inputs, { name: 'shop' })).toEqual({ name: 'shop', size: 'small', replicas: 1, public: false });
    expect(() => validateInputs(v.inputs, { size: 'huge', replicas: 'two' })).toThrow(/input "name" is required.*must be one of \["small","medium","large"\].*input "replicas" must be integer/);
    expect(() => validateInputs(v.inputs, { name: 'x', colour: 'red' })).toThrow(/unknown input "colour"/);
    await expect(loadPluginVersion(platform.db, org.id, 'web-service', '9.9.9')).rejects.toThrow(/no version 9\.9\.9/);
    await expect(loadPluginVersion(platform.db, org.id, 'nope', '1.0.0')).rejects.toThrow(/no plugin nope/);
  });
});

describe('the CLI', () => {
  it('`strata plugin publish --org --dir` zips and publishes a directory; `strata plugin list` shows it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-plugin-cli-'));
    try {
      await writeFile(join(dir, 'strata-plugin.json'), JSON.stringify(demoManifest('from-cli', '0.1.0')));
      await writeFile(join(dir, 'index.js'), DEMO_PROGRAM);
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
      const env = { url: platform.url, token: tokens.publisher };
      expect(await main(['plugin', 'publish', '--org', 'acme', '--dir', dir], io, env), err.join('\n')).toBe(0);
      expect(out.join('\n')).toMatch(/Published plugin from-cli 0\.1\.0 in acme\n {2}entry {3}index\.js/);
      expect(await main(['plugin', 'publish', '--org', 'acme', '--dir', dir], io, env)).toBe(1);
      expect(err.join('\n')).toMatch(/0\.1\.0/);
      out.length = 0;
      expect(await main(['plugin', 'list', '--org', 'acme', '--q', 'cli'], io, env)).toBe(0);
      expect(out.join('\n')).toMatch(/^NAME\s+LATEST\s+VERSIONS\s+LOCK\s+DESCRIPTION\nfrom-cli\s+0\.1\.0\s+1\s+The from-cli plugin$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
