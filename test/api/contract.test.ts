import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { routeTable } from '../../api/openapi/route-table';
import { workflowPage, workflowView } from '../../api/routes/activity/shapes';
import { accepted, errorBody } from '../../api/routes/common-shapes';
import { gpgKey, gpgKeyList } from '../../api/routes/gpg-keys/shapes';
import { liveness, readiness } from '../../api/routes/health/shapes';
import { moduleDetail, modulePage, modulePublished, moduleVersion } from '../../api/routes/modules/shapes';
import { providerDetail, providerPage } from '../../api/routes/providers/shapes';
import { catalogPage } from '../../api/routes/search/shapes';
import { lockInfo, stateDiff, stateLocked, stateLockStatus, stateVersion, stateVersionPage } from '../../api/routes/state/shapes';
import { downloadSeries } from '../../api/routes/stats/shapes';
import { apiTokenList, createdToken } from '../../api/routes/tokens/shapes';
import { vcsConnectionList } from '../../api/routes/vcs/shapes';
import { networkModuleArchive } from '../browser/fixtures';
import { publishTestProvider } from '../fixtures/publish';
import { generateTestSigningKey, TEST_PROVIDER } from '../fixtures/provider-release';
import { createUser, signIn, userToken as personalToken } from '../identity/session-helpers';
import { clientFor, type TestResponse } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

// The API answers what its declared shapes (api/routes/<area>/shapes.ts, the source of the OpenAPI document)
// say, and every route that takes a body refuses a wrong media type the same way.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let userToken: string;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-contract-'));
  // Objects the path parameters below name, so a request reaches its body parsing (and the media-type check).
  const json = { 'content-type': 'application/json' };
  await call('/api/v1/orgs/default/namespaces', { method: 'POST', headers: json, body: JSON.stringify({ name: 'media' }) });
  const team = await call('/api/v1/orgs/default/teams', { method: 'POST', headers: json, body: JSON.stringify({ name: 'media-team' }) });
  expect(team.status, team.body.toString()).toBe(201);
  const ws = await call('/api/v1/orgs/default/workspaces', { method: 'POST', headers: json, body: JSON.stringify({ name: 'media-ws' }) });
  expect(ws.status, ws.body.toString()).toBe(201);
  const user = await createUser(call, 'media@types.test');
  userToken = await personalToken(call, await signIn(call, user.email, user.password));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * The body is exactly an instance of the schema: it parses, and parsing drops nothing (zod objects strip keys
 * they do not declare, so an undeclared field shows up as a difference).
 */
function conforms(schema: z.ZodType, r: TestResponse, status: number) {
  expect(r.status, r.body.toString()).toBe(status);
  const body = r.json();
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? [], JSON.stringify(body).slice(0, 500)).toEqual([]);
  expect(parsed.data).toEqual(body);
}

describe('responses match their declared shapes', () => {
  it('modules: upload, list, detail, version, search, downloads', async () => {
    const gz = { 'content-type': 'application/gzip' };
    for (const version of ['1.0.0', '1.10.0', '1.2.0', '2.0.0-rc.1']) {
      const r = await call(`/api/v1/modules/acme/network/aws/${version}?wait=true`, { method: 'POST', body: await networkModuleArchive(work, version), headers: gz });
      conforms(modulePublished, r, 201);
    }
    conforms(accepted, await call('/api/v1/modules/acme/network/aws/3.0.0', { method: 'POST', body: await networkModuleArchive(work, '3.0.0'), headers: gz }), 202);

    const list = await call('/api/v1/modules?namespace=acme', { token: null });
    conforms(modulePage, list, 200);
    const detail = await call('/api/v1/modules/acme/network/aws', { token: null });
    conforms(moduleDetail, detail, 200);
    conforms(moduleVersion, await call('/api/v1/modules/acme/network/aws/1.2.0', { token: null }), 200);
    const search = await call('/api/v1/search?q=network', { token: null });
    conforms(catalogPage, search, 200);
    conforms(downloadSeries, await call('/api/v1/modules/acme/network/aws/downloads?days=3', { token: null }), 200);

    // Versions highest first; the latest is the highest release, whatever was published last.
    const versions = (detail.json() as z.infer<typeof moduleDetail>).versions.map((v) => v.version);
    expect(versions.filter((v) => v !== '3.0.0')).toEqual(['2.0.0-rc.1', '1.10.0', '1.2.0', '1.0.0']);
    const expectedLatest = versions.includes('3.0.0') ? '3.0.0' : '1.10.0';
    expect((list.json() as z.infer<typeof modulePage>).items[0]!.latestVersion).toBe(expectedLatest);
    expect((search.json() as z.infer<typeof catalogPage>).items[0]!.latestVersion).toBe(expectedLatest);
  });

  it('providers and signing keys', async () => {
    const key = await generateTestSigningKey();
    const added = await call('/api/v1/namespaces/keys-contract/gpg-keys', {
      method: 'POST',
      body: JSON.stringify({ asciiArmor: key.publicArmored, sourceUrl: 'https://example.test/key' }),
      headers: { 'content-type': 'application/json' },
    });
    conforms(gpgKey, added, 201);
    expect(added.json()).toMatchObject({ keyId: key.keyId, sourceUrl: 'https://example.test/key' });
    conforms(gpgKeyList, await call('/api/v1/namespaces/keys-contract/gpg-keys', { token: null }), 200);

    await publishTestProvider(call, work);
    conforms(providerPage, await call('/api/v1/providers', { token: null }), 200);
    conforms(providerDetail, await call(`/api/v1/providers/${TEST_PROVIDER.namespace}/${TEST_PROVIDER.type}`, { token: null }), 200);
  });

  it('tokens, workflows, VCS connections, health', async () => {
    conforms(createdToken, await call('/api/v1/tokens', { method: 'POST', body: JSON.stringify({ name: 'contract' }), headers: { 'content-type': 'application/json' } }), 201);
    conforms(apiTokenList, await call('/api/v1/tokens'), 200);
    conforms(workflowView, await call(`/api/v1/workflows/${encodeURIComponent('module-publish:acme/network/aws/1.0.0')}`), 200);
    conforms(workflowPage, await call('/api/v1/workflows?per_page=5'), 200);
    conforms(vcsConnectionList, await call('/api/v1/vcs/connections'), 200);
    conforms(liveness, await call('/healthz', { token: null }), 200);
    conforms(readiness, await call('/readyz', { token: null }), 200);
    conforms(errorBody, await call('/api/v1/modules/acme/nothing/aws', { token: null }), 404);
  });

  it('state versions, lock, diff and restore', async () => {
    const base = '/api/v1/orgs/default/workspaces/media-ws/state';
    const json = { 'content-type': 'application/json' };
    const write = (serial: number) => call(base, { method: 'POST', headers: json, body: JSON.stringify({ version: 4, serial, lineage: 'contract', resources: [] }) });
    const first = await write(1);
    conforms(stateVersion, first, 201);
    conforms(stateVersion, await write(2), 201);
    conforms(stateVersionPage, await call(`${base}/versions`), 200);
    conforms(stateDiff, await call(`${base}/versions/${first.json().id}/diff?against=${first.json().id}`), 200);
    conforms(stateVersion, await call(`${base}/versions/${first.json().id}/restore`, { method: 'POST' }), 201);
    conforms(lockInfo, await call(`${base}/lock`, { method: 'POST', headers: json, body: JSON.stringify({ ID: 'contract-lock', Who: 'me' }) }), 200);
    conforms(stateLockStatus, await call(`${base}/lock`), 200);
    conforms(stateLocked, await call(`${base}/lock`, { method: 'POST', headers: json, body: JSON.stringify({ ID: 'another-lock' }) }), 423);
    conforms(stateLockStatus, await call(`${base}/lock?force=true`, { method: 'DELETE' }), 200);
  });

  it('serves the OpenAPI document (generated on first request) listing every route of the table', async () => {
    const r = await call('/api/openapi.json', { token: null });
    expect(r.status).toBe(200);
    const doc = r.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).length).toBe(new Set(routeTable.map((route) => route.path)).size);
  });
});

/** A concrete URL for a route of the table: valid parameters, so only the media type can be wrong. */
function concrete(path: string): string {
  const values: Record<string, string> = {
    namespace: 'media',
    name: 'types',
    system: 'aws',
    type: 'media',
    version: '0.0.1',
    keyId: 'ABCDEF0123456789',
    id: randomUUID(),
    provider: 'github',
    linkId: randomUUID(),
    org: 'default',
    team: 'media-team',
    userId: randomUUID(),
    deliveryId: randomUUID(),
    ws: 'media-ws',
    token: 'not.a-valid-token',
  };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (!value) throw new Error(`no test value for {${name}} in ${path}`);
    return value;
  });
}

describe('a wrong media type is 415 everywhere', () => {
  // The OAuth token endpoint of login.v1 answers in OAuth's own error format (RFC 6749 §5.2: 400 invalid_request).
  const bodyRoutes = routeTable.filter((r) => r.body && r.path !== '/oauth/token');

  it('covers JSON, archive, multipart and webhook bodies', () => {
    const types = new Set(bodyRoutes.flatMap((r) => Object.keys(r.body!)));
    expect([...types].sort()).toEqual(['application/gzip', 'application/json', 'application/x-www-form-urlencoded', 'application/zip', 'multipart/form-data']);
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(7);
  });

  it.each(bodyRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_, route) => {
    for (const type of ['text/plain', 'application/xml']) {
      // Routes about one's own account need a person, not the service token.
      const token = route.path.startsWith('/api/v1/me/') ? userToken : undefined;
      const r = await call(concrete(route.path), { method: route.method.toUpperCase(), token, body: 'not what this route takes', headers: { 'content-type': type } });
      expect(r.status, `${type}: ${r.body.toString()}`).toBe(415);
      expect(r.json().error.code).toBe('unsupported_media_type');
    }
  });
});
