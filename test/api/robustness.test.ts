import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

// Inputs found by schema-based fuzzing (schemathesis against /api/openapi.json): each used to produce a 5xx.
let platform: Platform;
let call: ReturnType<typeof clientFor>;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
});

afterAll(async () => {
  await platform?.close();
});

describe('hostile requests get a 4xx with a JSON error', () => {
  it('NUL bytes in queries, JSON bodies and protocol paths', async () => {
    const search = await call('/api/v1/modules?q=a%00b', { token: null });
    expect(search.status).toBe(400);
    expect(search.json().error.code).toBe('invalid_text');
    const token = await call('/api/v1/tokens', { method: 'POST', body: '{"name":"a\\u0000b"}', headers: { 'content-type': 'application/json' } });
    expect(token.status).toBe(400);
    expect((await call('/v1/modules/a%00/b/c/versions', { token: null })).status).toBe(404);
  });

  it('unknown and unsupported methods', async () => {
    const trace = await call('/healthz', { method: 'TRACE' });
    expect(trace.status).toBe(405);
    expect(trace.json().error.code).toBe('method_not_allowed');
    const del = await call('/api/v1/modules', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.json().error.code).toBe('method_not_allowed');
  });

  it('a malformed multipart body', async () => {
    const boundary = 'xyz';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="\u0001"\r\nbroken\r\n--${boundary}--\r\n`;
    const res = await call('/api/v1/providers/acme/demo/1.0.0', { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(res.status).toBe(400);
    expect(res.json().error.code).toMatch(/^invalid_multipart$/);
    const noBoundary = await call('/api/v1/providers/acme/demo/1.0.0', { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect(noBoundary.status).toBe(400);
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await call('/api/v1/nothing-here', { token: null });
    expect(res.status).toBe(404);
    expect(res.json().error.code).toBe('not_found');
  });
});
