import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hstsHeader, securityHeaders } from '../../api/middleware/security-headers';
import type { AppState } from '../../api/deps';
import { webUi } from '../../api/routes/web/router';
import { createLogger } from '../../core/log';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor, type TestResponse } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

beforeAll(async () => {
  platform = await startPlatform({ tls: true });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-headers-'));
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const HSTS = /^max-age=\d{7,}/;

function expectApiHeaders(res: TestResponse, what: string): void {
  expect(res.headers['strict-transport-security'], what).toMatch(HSTS);
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['referrer-policy'], what).toBe('same-origin');
  expect(res.headers['content-security-policy'], what).toContain("default-src 'none'");
  expect(res.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
}

describe('security headers over HTTPS', () => {
  it('are on answers of the management API, errors included', async () => {
    expectApiHeaders(await call('/api/v1/me'), 'GET /api/v1/me');
    expectApiHeaders(await call('/api/v1/me', { token: null }), '401');
    expectApiHeaders(await call('/api/v1/no-such-route'), '404');
    expectApiHeaders(await call('/api/v1/orgs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }), '400');
    expectApiHeaders(await call('/healthz'), 'healthz');
  });

  it('are on the protocol fast path: HSTS and nosniff on hits, misses and blobs', async () => {
    const discovery = await call('/.well-known/terraform.json', { token: null });
    expect(discovery.status).toBe(200);
    expect(discovery.headers['strict-transport-security']).toMatch(HSTS);
    expect(discovery.headers['x-content-type-options']).toBe('nosniff');

    const mod = await writeDemoModule(work, '1.0.0');
    const up = await call('/api/v1/modules/hdr/demo/aws/1.0.0?wait=true', { method: 'POST', body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
    expect(up.status, up.body.toString()).toBe(201);
    for (let i = 0; i < 2; i++) {
      // The first read builds the answer, the second comes from the cache.
      const versions = await call('/v1/modules/hdr/demo/aws/versions');
      expect(versions.status).toBe(200);
      expect(versions.headers['strict-transport-security']).toMatch(HSTS);
      expect(versions.headers['x-content-type-options']).toBe('nosniff');
    }
    const download = await call('/v1/modules/hdr/demo/aws/1.0.0/download');
    expect(download.status).toBe(204);
    const blob = await call(String(download.headers['x-terraform-get']), { token: null });
    expect(blob.status).toBe(200);
    expect(blob.headers['strict-transport-security']).toMatch(HSTS);
    expect(blob.headers['x-content-type-options']).toBe('nosniff');
    const missing = await call('/v1/modules/hdr/nothing/aws/versions');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('security headers of the dashboard', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const dist = join(work, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
    await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
    const config = { ...platform.config, serveWeb: true };
    const app = new Koa<AppState>();
    app.use(securityHeaders(config));
    app.use(webUi({ config, log: createLogger({ level: 'silent' }) }, { distDir: dist })!);
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lets the pages load their own scripts and nothing inline, and forbids framing', async () => {
    for (const path of ['/', '/modules/acme/vpc/aws']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(HSTS);
    }
    const asset = await fetch(`${base}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('HSTS', () => {
  it('is sent only when the registry is reached over HTTPS', () => {
    expect(hstsHeader({ tls: null, publicUrl: 'http://localhost:8080' })).toBeNull();
    expect(hstsHeader({ tls: null, publicUrl: 'https://registry.example.com' })).toMatch(HSTS);
    expect(hstsHeader({ tls: { certFile: 'c', keyFile: 'k' }, publicUrl: 'http://localhost:8443' })).toMatch(HSTS);
  });
});
