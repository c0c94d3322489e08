import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { TEST_PROVIDER } from '../fixtures/provider-release';
import { publishTestProvider } from '../fixtures/publish';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { runTerraformCli, writeConfig, type CliRun } from '../harness/terraform-cli';
import { addMember, createNamespace, createOrg, createUser, signIn, userToken } from './session-helpers';

// `tofu login` (login.v1) with the real OpenTofu binary against the TLS platform, then the credentials file it
// wrote used by a real `tofu init` of a private module and a private provider.

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let tofu: string;
let work: string;
let host: string;
let bob: { email: string; password: string; session: { cookie: string; csrf: string } };
const { namespace: providerNamespace, type: providerType, version: providerVersion } = TEST_PROVIDER;

beforeAll(async () => {
  [platform, tofu] = await Promise.all([startPlatform({ tls: true, env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } }), tofuBinary()]);
  call = clientFor(platform);
  host = new URL(platform.url).host;
  work = await mkdtemp(join(tmpdir(), 'strata-tofu-login-'));
  const alice = await createUser(call, 'alice@acme.test');
  const bobUser = await createUser(call, 'bob@acme.test');
  const ownerToken = await userToken(call, await signIn(call, alice.email, alice.password));
  await createOrg(call, ownerToken, 'acme');
  await addMember(call, ownerToken, 'acme', bobUser.email, 'reader');
  await createNamespace(call, ownerToken, 'acme', 'acme-private');
  await createNamespace(call, ownerToken, 'acme', providerNamespace);
  // The organisation's owner publishes both, as an author would.
  const asOwner = clientFor({ ...platform, token: ownerToken });
  const mod = await writeDemoModule(work, '1.0.0');
  const up = await asOwner('/api/v1/modules/acme-private/demo/aws/1.0.0?wait=true', { method: 'POST', body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
  expect(up.status, up.body.toString()).toBe(201);
  await publishTestProvider(asOwner, work);
  await createNamespace(call, ownerToken, 'acme', 'acme-public', 'public');
  const pub = await asOwner('/api/v1/modules/acme-public/demo/aws/1.0.0?wait=true', { method: 'POST', body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
  expect(pub.status, pub.body.toString()).toBe(201);
  const session = await signIn(call, bobUser.email, bobUser.password);
  bob = { ...bobUser, session };
}, 600_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(params: Record<string, string>): string {
  const q = new URLSearchParams({ response_type: 'code', client_id: 'terraform-cli', code_challenge_method: 'S256', state: 's-1', ...params });
  return `/oauth/authorize?${q}`;
}

const tokenRequest = (fields: Record<string, string>) =>
  call('/oauth/token', { method: 'POST', token: null, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

const asBob = () => ({ cookie: bob.session.cookie });

describe('login.v1 in service discovery', () => {
  it('advertises the OAuth client next to the registry services', async () => {
    const res = await call('/.well-known/terraform.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      'modules.v1': '/v1/modules/',
      'providers.v1': '/v1/providers/',
      'login.v1': { client: 'terraform-cli', grant_types: ['authz_code'], authz: '/oauth/authorize', token: '/oauth/token', ports: [10000, 10010] },
    });
  });
});

describe('the authorize and token endpoints', () => {
  it('sends a browser without a session to the dashboard sign-in, which comes back to the same URL', async () => {
    const url = authorizeUrl({ redirect_uri: 'http://localhost:10003/login', code_challenge: pkce().challenge });
    const res = await call(url, { token: null });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/login?returnTo=${encodeURIComponent(url)}`);
  });

  it('refuses redirects off the loopback port range, unknown clients and requests without PKCE, without redirecting', async () => {
    const { challenge } = pkce();
    for (const redirect of ['https://evil.test/login', 'http://localhost:9999/login', 'http://localhost:10011/login', 'http://evil.test:10001/login', 'http://user@localhost:10001/x']) {
      const res = await call(authorizeUrl({ redirect_uri: redirect, code_challenge: challenge }), { token: null, headers: asBob() });
      expect(res.status, redirect).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    const unknownClient = await call(authorizeUrl({ client_id: 'someone-else', redirect_uri: 'http://localhost:10001/login', code_challenge: challenge }), { token: null, headers: asBob() });
    expect(unknownClient.status).toBe(400);
    const plain = await call(authorizeUrl({ redirect_uri: 'http://localhost:10001/login', code_challenge: challenge, code_challenge_method: 'plain' }), { token: null, headers: asBob() });
    expect(plain.status).toBe(400);
    const noChallenge = await call(authorizeUrl({ redirect_uri: 'http://localhost:10001/login' }), { token: null, headers: asBob() });
    expect(noChallenge.status).toBe(400);
  });

  it('exchanges a code once, only with its verifier and redirect_uri; a replay revokes the token it gave', async () => {
    const redirect = 'http://127.0.0.1:10007/login';
    const codeFor = async (challenge: string) => {
      const res = await call(authorizeUrl({ redirect_uri: redirect, code_challenge: challenge, state: 'xyz' }), { token: null, headers: asBob() });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location!);
      expect(`${location.origin}${location.pathname}`).toBe(redirect);
      expect(location.searchParams.get('state')).toBe('xyz');
      return location.searchParams.get('code')!;
    };
    const base = { grant_type: 'authorization_code', client_id: 'terraform-cli', redirect_uri: redirect };

    const wrong = pkce();
    const burned = await codeFor(wrong.challenge);
    const badVerifier = await tokenRequest({ ...base, code: burned, code_verifier: pkce().verifier });
    expect(badVerifier.status).toBe(400);
    expect(badVerifier.json()).toMatchObject({ error: 'invalid_grant' });
    // The failed attempt spent the code: the right verifier comes too late.
    expect((await tokenRequest({ ...base, code: burned, code_verifier: wrong.verifier })).json()).toMatchObject({ error: 'invalid_grant' });

    const other = pkce();
    const otherRedirect = await tokenRequest({ ...base, redirect_uri: 'http://127.0.0.1:10008/login', code: await codeFor(other.challenge), code_verifier: other.verifier });
    expect(otherRedirect.json()).toMatchObject({ error: 'invalid_grant' });

    expect((await tokenRequest({ ...base, grant_type: 'password', code: 'x', code_verifier: other.verifier })).json()).toMatchObject({ error: 'unsupported_grant_type' });
    const notForm = await call('/oauth/token', { method: 'POST', token: null, headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
    expect(notForm.status).toBe(400);
    expect(notForm.json()).toMatchObject({ error: 'invalid_request' });

    const good = pkce();
    const code = await codeFor(good.challenge);
    const ok = await tokenRequest({ ...base, code, code_verifier: good.verifier });
    expect(ok.status, ok.body.toString()).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const { access_token: token, token_type: type } = ok.json<{ access_token: string; token_type: string }>();
    expect(type).toBe('bearer');
    const me = await call('/api/v1/me', { token });
    expect(me.json().user.email).toBe(bob.email);

    const replay = await tokenRequest({ ...base, code, code_verifier: good.verifier });
    expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await call('/api/v1/me', { token })).status).toBe(401);
  });
});

describe('protocol answers about private namespaces', () => {
  it('tell shared caches not to keep them, unlike public ones', async () => {
    const token = await userToken(call, bob.session);
    const path = '/v1/modules/acme-private/demo/aws/versions';
    const first = await call(path, { token });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    // Served from the in-process cache this time, and revalidated: still private.
    const again = await call(path, { token, headers: { 'if-none-match': first.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('private, no-cache');
    const provider = await call(`/v1/providers/${providerNamespace}/${providerType}/versions`, { token });
    expect(provider.headers['cache-control']).toBe('private, no-cache');
    const open = await call('/v1/modules/acme-public/demo/aws/versions', { token: null });
    expect(open.status).toBe(200);
    expect(open.headers['cache-control']).toBe('no-cache');
  });
});

/** A process we started and talk to: its output so far and its exit. */
function startTofu(args: string[], env: Record<string, string>) {
  const child = spawn(tofu, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return { child, exited, output: () => `${stdout}\n${stderr}` };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A plain-HTTP GET to the CLI's loopback server (what the browser does when it follows the redirect). */
function browse(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('tofu login, then tofu init of a private module and a private provider', () => {
  let loginHome: string;
  let credentialsFile: string;
  let loginOutput: string;

  it('obtains a token through the browser flow and writes it to credentials.tfrc.json', async () => {
    const home = (loginHome = join(work, 'login-home'));
    const bin = join(home, 'bin');
    await mkdir(bin, { recursive: true });
    // The "browser": tofu opens the authorize URL with xdg-open; this one only writes it down for the test.
    const opened = join(home, 'opened-url');
    await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    await chmod(join(bin, 'xdg-open'), 0o755);

    const run = startTofu(['login', '-no-color', host], {
      PATH: `${bin}:${process.env.PATH}`,
      // A home of its own and no TF_CLI_CONFIG_FILE, as on a workstation: the credentials go to ~/.terraform.d.
      HOME: home,
      SSL_CERT_FILE: platform.certificates!.caFile,
      CHECKPOINT_DISABLE: '1',
    });
    try {
      await waitFor('the "Do you want to proceed?" prompt', () => (run.output().includes('Enter a value:') ? true : undefined));
      run.child.stdin.end('yes\n');
      const authorize = await waitFor('the browser to be opened', () => readFile(opened, 'utf8').catch(() => undefined));
      const url = new URL(authorize);
      expect(`${url.origin}${url.pathname}`).toBe(`${platform.url}/oauth/authorize`);
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: 'code', client_id: 'terraform-cli', code_challenge_method: 'S256' });
      expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:100(0\d|10)\/login$/);
      expect(run.output()).toContain(authorize);

      // The browser is not signed in yet: it is sent to the dashboard's sign-in, which brings it back here.
      const anonymous = await call(authorize, { token: null });
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.location).toMatch(/^\/login\?returnTo=%2Foauth%2Fauthorize%3F/);
      const signedIn = await call(authorize, { token: null, headers: asBob() });
      expect(signedIn.status, signedIn.body.toString()).toBe(302);
      const callback = signedIn.headers.location!;
      expect(callback.startsWith(`${url.searchParams.get('redirect_uri')}?`)).toBe(true);
      // tofu closes its loopback server as soon as it holds the code, which can cut the connection before the
      // browser gets its page: the code has been delivered either way, and tofu's exit below is the verdict.
      const landed = await browse(callback).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNRESET') return { status: 0, body: '' };
        throw err;
      });
      expect([0, 200]).toContain(landed.status);

      const done = await Promise.race([run.exited, new Promise<null>((r) => setTimeout(() => r(null), 60_000))]);
      expect(done, run.output()).not.toBeNull();
      expect(done!.code, run.output()).toBe(0);
      loginOutput = done!.stdout;
    } finally {
      if (run.child.exitCode === null) run.child.kill();
    }
    expect(loginOutput).toContain('Success! OpenTofu has obtained and saved an API token.');

    credentialsFile = join(home, '.terraform.d', 'credentials.tfrc.json');
    const written = JSON.parse(await readFile(credentialsFile, 'utf8')) as { credentials: Record<string, { token: string }> };
    expect(Object.keys(written.credentials)).toEqual([host]);
    const token = written.credentials[host]!.token;
    expect(token).toMatch(/^strata_/);
    expect((await call('/api/v1/me', { token })).json().user.email).toBe(bob.email);
    const listed = await call('/api/v1/tokens', { token: null, headers: asBob() });
    const created = listed.json<{ items: { id: string; name: string; prefix: string; scopes: string[] }[] }>().items.find((t) => token.startsWith(t.prefix));
    expect(created?.name).toMatch(/^tofu login \d{4}-\d{2}-\d{2}$/);
    expect(created?.scopes).toEqual(['admin']);
    const audited = await platform.db('audit_log').where({ action: 'token.create', target: created!.id }).first();
    expect(audited).toMatchObject({ actor_type: 'user', result: 'success', details: expect.objectContaining({ via: 'login.v1' }) });
    expect(JSON.stringify(audited)).not.toContain(token);
  }, 180_000);

  const moduleConfig = () => `module "demo" {\n  source  = "${host}/acme-private/demo/aws"\n  version = "1.0.0"\n}\n`;
  const providerConfig = () =>
    `terraform {\n  required_providers {\n    time = {\n      source  = "${host}/${providerNamespace}/${providerType}"\n      version = "${providerVersion}"\n    }\n  }\n}\n`;

  /** `tofu init` in a fresh directory, run by the user who logged in (their home) or by someone without one. */
  async function init(name: string, main: string, home: 'logged-in' | 'fresh'): Promise<CliRun> {
    const dir = join(work, name);
    await writeConfig(dir, { 'main.tf': main });
    const runHome = home === 'logged-in' ? loginHome : join(dir, 'home');
    await mkdir(runHome, { recursive: true });
    return runTerraformCli({ bin: tofu, args: ['init', '-no-color'], cwd: dir, cliConfig: null, home: runHome, caFile: platform.certificates!.caFile });
  }

  const providerVersions = `/v1/providers/${providerNamespace}/${providerType}/versions`;

  /**
   * The errors tofu reports for a 401 of each protocol (for providers it words a 401 or 403, which Strata does not
   * answer here, by whether it sent a token).
   */
  function expectRefused(mod: CliRun, provider: CliRun, sentToken: boolean): void {
    expect(mod.code, mod.stdout).not.toBe(0);
    expect(mod.stderr).toMatch(/error looking up module versions: 401 Unauthorized/);
    expect(provider.code, provider.stdout).not.toBe(0);
    expect(provider.stderr).toMatch(sentToken ? /host\s+\S+\s+rejected the given authentication credentials/ : /host\s+\S+\s+requires authentication credentials/);
  }

  it('resolves the private module and the private provider with that credentials file', async () => {
    const run = await init('with-login', `${moduleConfig()}\n${providerConfig()}`, 'logged-in');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/Downloading .*acme-private\/demo\/aws 1\.0\.0 for demo/);
    expect(run.stdout).toMatch(new RegExp(`Installed ${host.replace(/\./g, '\\.')}/${providerNamespace}/${providerType} v${providerVersion} \\(signed`));
  }, 180_000);

  it('fails with 401 without credentials, for the module and for the provider', async () => {
    expect((await call(providerVersions, { token: null })).status).toBe(401);
    expectRefused(await init('no-login-module', moduleConfig(), 'fresh'), await init('no-login-provider', providerConfig(), 'fresh'), false);
  }, 180_000);

  it('fails again once the token is revoked', async () => {
    const token = (JSON.parse(await readFile(credentialsFile, 'utf8')) as { credentials: Record<string, { token: string }> }).credentials[host]!.token;
    const listed = await call('/api/v1/tokens', { token: null, headers: asBob() });
    const id = listed.json<{ items: { id: string; prefix: string }[] }>().items.find((t) => token.startsWith(t.prefix))!.id;
    const revoked = await call(`/api/v1/tokens/${id}`, { method: 'DELETE', token: null, headers: { cookie: bob.session.cookie, 'x-csrf-token': bob.session.csrf } });
    expect(revoked.status).toBe(204);
    const revokedAt = Date.now();
    await waitFor('the token to stop working', async () => ((await call(providerVersions, { token })).status === 401 ? true : undefined), 5000);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(5000);
    expectRefused(await init('revoked-module', moduleConfig(), 'logged-in'), await init('revoked-provider', providerConfig(), 'logged-in'), true);
  }, 180_000);
});
