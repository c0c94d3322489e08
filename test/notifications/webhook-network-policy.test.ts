import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../core/notifications/webhook-endpoint';
import type { NetworkPolicy } from '../../core/vcs/network-policy';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createTestCertificates } from '../harness/tls';
import { createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';

// The platform of this file keeps the default: private networks are NOT allowed, so webhook URLs must be https and
// public. No public address exists on a closed machine: the delivery test stands in a policy under which only
// 127.0.0.1 counts as public, and 127.0.0.2 as the internal network a redirect must not reach.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let owner: string;
let dir: string;
let ca: string;
let endpoint: Server;
let internal: HttpServer;
let endpointUrl: string;
let internalHits = 0;
const paths: string[] = [];

const policy: NetworkPolicy = { allowPrivateNetworks: false, isForbidden: (address) => address !== '127.0.0.1' };
const post = (path: string) => postWebhook({ url: `${endpointUrl}${path}`, headers: { 'webhook-id': 'msg_1' }, body: '{}', policy, tls: { ca }, timeoutMs: 5_000 });

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  const user = await createUser(call, 'owner@policy.test');
  owner = await userToken(call, await signIn(call, user.email, user.password));
  await createOrg(call, owner, 'acme');

  dir = await mkdtemp(join(tmpdir(), 'strata-webhook-policy-'));
  const certs = await createTestCertificates(dir);
  ca = await readFile(certs.caFile, 'utf8');
  internal = createHttpServer((_req, res) => {
    internalHits++;
    res.writeHead(200).end('internal secrets');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.2', resolve));
  const internalPort = (internal.address() as AddressInfo).port;
  endpoint = createServer({ cert: await readFile(certs.certFile), key: await readFile(certs.keyFile) }, (req, res) => {
    paths.push(`${req.method} ${req.url}`);
    if (req.url === '/to-internal') return void res.writeHead(307, { location: `http://127.0.0.2:${internalPort}/hook` }).end();
    if (req.url === '/to-internal-https') return void res.writeHead(308, { location: `https://127.0.0.2:${internalPort}/hook` }).end();
    if (req.url === '/moved') return void res.writeHead(307, { location: '/final' }).end();
    if (req.url?.startsWith('/loop')) return void res.writeHead(307, { location: `/loop${Number(req.url.slice(5) || 0) + 1}` }).end();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `https://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
});

afterAll(async () => {
  endpoint?.closeAllConnections();
  await Promise.all([endpoint, internal].map((s) => new Promise((resolve) => (s ? s.close(resolve) : resolve(undefined)))));
  await platform?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('webhook URLs under the private-network policy', () => {
  it('refuses plain http and private, loopback and link-local addresses with 400', async () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1:8080/hook', 'webhook_url_forbidden'],
      ['https://127.0.0.1/hook', 'webhook_url_forbidden'],
      ['https://10.1.2.3/hook', 'webhook_url_forbidden'],
      ['https://169.254.169.254/latest/meta-data', 'webhook_url_forbidden'],
      ['https://[::1]/hook', 'webhook_url_forbidden'],
      ['https://localhost/hook', 'webhook_url_forbidden'],
    ];
    for (const [url, code] of cases) {
      const res = await call('/api/v1/orgs/acme/webhooks', { method: 'POST', token: owner, headers: json, body: JSON.stringify({ url, events: ['webhook.test'] }) });
      expect(res.status, url).toBe(400);
      expect(res.json().error.code, url).toBe(code);
      expect(res.json().error.message, url).toMatch(/webhook URL/);
    }
    expect(await platform.db('webhooks').count<{ count: string }[]>('* as count')).toEqual([{ count: '0' }]);
  });

  it('delivers through a same-site redirect, checking every hop', async () => {
    expect(await post('/moved')).toMatchObject({ delivered: true, responseCode: 200, error: null });
    expect(paths.slice(-2)).toEqual(['POST /moved', 'POST /final']);
  });

  it('refuses a redirect to a private address without connecting to it', async () => {
    const expected: [string, RegExp][] = [
      ['/to-internal', /the webhook URL must use https/],
      ['/to-internal-https', /127\.0\.0\.2 resolves to a loopback, link-local or private address/],
    ];
    for (const [path, error] of expected) {
      const outcome = await post(path);
      expect(outcome, path).toMatchObject({ delivered: false, responseCode: null });
      expect(outcome.error, path).toMatch(error);
    }
    expect(internalHits).toBe(0);
  });

  it('gives up after five redirects', async () => {
    const outcome = await post('/loop');
    expect(outcome).toMatchObject({ delivered: false, error: expect.stringContaining('more than 5 redirects') });
    expect(paths.filter((p) => p.startsWith('POST /loop'))).toHaveLength(6);
  });
});
