import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api';

function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('ApiClient', () => {
  it('throws the API error code and message when the response is not ok', async () => {
    const { fetch } = fakeFetch(() => json(409, { error: { code: 'version_exists', message: 'acme/net/aws 1.0.0 is already published' } }));
    const api = new ApiClient({ fetch });
    const err = await api.module('acme', 'net', 'aws').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'version_exists', message: 'acme/net/aws 1.0.0 is already published' });
  });

  it('turns a non-JSON failure into a readable message instead of a parse error', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = (await new ApiClient({ fetch }).tokens().catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('http_502');
    expect(err.message).toMatch(/try again/);
    expect(err.message).not.toContain('<html>');
  });

  it('reports a network failure as such', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const err = (await new ApiClient({ fetch }).tokens().catch((e: unknown) => e)) as ApiError;
    expect(err).toMatchObject({ status: 0, code: 'network' });
  });

  it('marks 401 as needing a sign-in', async () => {
    const { fetch } = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'sign in first' } }));
    const err = (await new ApiClient({ fetch }).workflows({}).catch((e: unknown) => e)) as ApiError;
    expect(err.needsSignIn).toBe(true);
  });

  it('sends the session cookie and, on mutations only, the CSRF token', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { items: [] }));
    const api = new ApiClient({ fetch, csrf: () => 'csrf-1' });
    await api.tokens();
    await api.createToken('ci', { scopes: ['read'], expiresInDays: 30 });
    await api.revokeToken('t1').catch(() => undefined);
    expect(calls.map((c) => c.init.credentials)).toEqual(['same-origin', 'same-origin', 'same-origin']);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['x-csrf-token'])).toEqual([undefined, 'csrf-1', 'csrf-1']);
    expect(JSON.parse(String(calls[1]!.init.body))).toEqual({ name: 'ci', scopes: ['read'], expiresInDays: 30 });
  });

  it('sends a pasted token as a bearer instead of the CSRF token', async () => {
    const { fetch, calls } = fakeFetch(() => json(201, {}));
    await new ApiClient({ fetch, token: () => 'strata_abc', csrf: () => 'csrf-1' }).createToken('ci');
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer strata_abc');
    expect(headers['x-csrf-token']).toBeUndefined();
  });

  it('sends the current token, encodes path segments and drops empty query values', async () => {
    let token: string | null = null;
    const { fetch, calls } = fakeFetch(() => json(200, { items: [], total: 0, page: 1, perPage: 20, facets: { namespaces: [], providers: [] } }));
    const api = new ApiClient({ fetch, token: () => token });
    await api.search({ q: 'vpc net', namespace: '', sort: 'downloads', page: 2 });
    expect(calls[0]!.url).toBe('/api/v1/search?q=vpc+net&sort=downloads&page=2');
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
    token = 'strata_abc';
    await api.workflow('module-publish:acme/net/aws/1.0.0').catch(() => undefined);
    expect(calls[1]!.url).toBe('/api/v1/workflows/module-publish%3Aacme%2Fnet%2Faws%2F1.0.0');
    expect((calls[1]!.init.headers as Record<string, string>).authorization).toBe('Bearer strata_abc');
  });

  it('puts a pasted token in the event stream URL, the one place a header cannot carry it; a session needs none', () => {
    const api = new ApiClient({ token: () => 'strata_abc' });
    expect(api.workflowEventsUrl('provider-publish:acme/thing/1.0.0')).toBe('/api/v1/workflows/provider-publish%3Aacme%2Fthing%2F1.0.0/events?token=strata_abc');
    expect(new ApiClient({ csrf: () => 'csrf-1' }).workflowEventsUrl('provider-publish:acme/thing/1.0.0')).toBe('/api/v1/workflows/provider-publish%3Aacme%2Fthing%2F1.0.0/events');
  });

  it('uploads a module archive with the content type of its format', async () => {
    const { fetch, calls } = fakeFetch(() => json(202, { workflowId: 'module-publish:a/b/c/1.0.0', statusUrl: 'x' }));
    const api = new ApiClient({ fetch });
    const zip = new File([new Uint8Array([0x50, 0x4b, 3, 4])], 'mod.zip');
    const tgz = new File([new Uint8Array([0x1f, 0x8b])], 'mod.tar.gz');
    await api.publishModule({ namespace: 'a', name: 'b', system: 'c', version: '1.0.0' }, zip);
    await api.publishModule({ namespace: 'a', name: 'b', system: 'c', version: '1.0.0' }, tgz);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['content-type'])).toEqual(['application/zip', 'application/gzip']);
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.url).toBe('/api/v1/modules/a/b/c/1.0.0');
  });

  it('returns undefined for 204 (revoke)', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 204 }));
    await expect(new ApiClient({ fetch }).revokeToken('x')).resolves.toBeUndefined();
  });

  it('returns undefined for a 202 without JSON, but still refuses a 200 that is not JSON', async () => {
    const accepted = fakeFetch(() => new Response('Accepted', { status: 202, headers: { 'content-type': 'text/plain; charset=utf-8' } }));
    await expect(new ApiClient({ fetch: accepted.fetch }).request('POST', '/api/v1/auth/password-reset')).resolves.toBeUndefined();
    const html = fakeFetch(() => new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    await expect(new ApiClient({ fetch: html.fetch }).request('GET', '/api/v1/me')).rejects.toMatchObject({ code: 'invalid_response' });
  });
});
