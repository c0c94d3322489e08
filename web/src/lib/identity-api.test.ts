import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api';
import { IdentityApi } from './identity-api';

function client(respond: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  }) as typeof globalThis.fetch;
  return { identity: new IdentityApi(new ApiClient({ fetch, csrf: () => 'csrf-9' })), calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const notFound = () => json(404, { error: { code: 'not_found', message: 'no route' } });

describe('IdentityApi', () => {
  it('treats 401 from /me as signed out, and other failures as failures', async () => {
    expect(await client(() => json(401, { error: { code: 'unauthorized', message: 'sign in' } })).identity.me()).toBeNull();
    await expect(client(() => json(503, { error: { code: 'unavailable', message: 'down' } })).identity.me()).rejects.toBeInstanceOf(ApiError);
  });

  it('shows no SSO buttons when the server has no providers route', async () => {
    expect(await client(notFound).identity.providers()).toEqual([]);
    const items = [{ id: 'okta', name: 'Okta', loginUrl: '/api/v1/auth/sso/okta/start' }];
    expect(await client(() => json(200, { items })).identity.providers()).toEqual(items);
  });

  it('encodes path segments and sends the CSRF token with mutations', async () => {
    const { identity, calls } = client(() => new Response(null, { status: 204 }));
    await identity.changeMember('acme corp', 'u/1', 'admin');
    await identity.setTeamNamespaceRole('acme', 'plat form', 'net', 'publisher');
    await identity.setVisibility('net', 'public');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'PATCH /api/v1/orgs/acme%20corp/members/u%2F1',
      'PUT /api/v1/orgs/acme/teams/plat%20form/namespaces/net',
      'PATCH /api/v1/namespaces/net',
    ]);
    expect(calls.every((c) => (c.init.headers as Record<string, string>)['x-csrf-token'] === 'csrf-9')).toBe(true);
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ role: 'publisher' });
  });

  it('filters the audit log and exports the whole filtered log without the cursor', async () => {
    const { identity, calls } = client(() => json(200, { items: [], nextCursor: null }));
    await identity.audit('acme', { actor: 'ann@example.com', action: '', since: '2026-12-01T00:00:00.000Z', cursor: 'c2' });
    expect(calls[0]!.url).toBe('/api/v1/orgs/acme/audit?actor=ann%40example.com&since=2026-12-01T00%3A00%3A00.000Z&cursor=c2');
    expect(identity.auditExportUrl('acme', { q: 'login', cursor: 'c2' }, 'csv')).toBe('/api/v1/orgs/acme/audit/export?q=login&format=csv');
  });

  it('posts the account links\' tokens to the account routes', async () => {
    const { identity, calls } = client(() => new Response(null, { status: 204 }));
    await identity.requestPasswordReset('ann@example.com');
    await identity.confirmPasswordReset('tok-1', 'a long new password');
    await identity.verifyEmail('tok-2');
    expect(calls.map((c) => `${c.init.method} ${c.url} ${String(c.init.body)}`)).toEqual([
      'POST /api/v1/auth/password-reset {"email":"ann@example.com"}',
      'POST /api/v1/auth/password-reset/confirm {"token":"tok-1","password":"a long new password"}',
      'POST /api/v1/auth/verify-email {"token":"tok-2"}',
    ]);
  });
});
