import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor } from '../harness/http';
import { freePort } from '../harness/ports';
import { startPlatform, type Platform } from '../harness/platform';
import { TestBrowser, TestIdp } from './oidc-idp';
import { createUser } from './session-helpers';

// Strata signs people in through a real OpenID Connect provider (oidc-provider) on a loopback port: every hop of
// the authorization code flow goes over HTTP, with cookies, as a browser would send them.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let idp: TestIdp;
let host: string;
let acmeId: string;

beforeAll(async () => {
  idp = await TestIdp.listen();
  const clientSecret = randomBytes(24).toString('hex');
  // A second provider whose server is not running: Strata must start anyway and refuse only its sign-ins.
  const downIssuer = `http://127.0.0.1:${await freePort()}`;
  platform = await startPlatform({
    env: {
      STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private',
      STRATA_OIDC_ISSUER: idp.issuer,
      STRATA_OIDC_CLIENT_ID: 'strata',
      STRATA_OIDC_CLIENT_SECRET: clientSecret,
      STRATA_OIDC_SCOPES: 'openid email profile groups',
      STRATA_OIDC_PROVIDERS: JSON.stringify([{ id: 'down', name: 'Offline IdP', issuer: downIssuer, clientId: 'strata', clientSecret: 'x' }]),
    },
  });
  call = clientFor(platform);
  host = new URL(platform.url).host;
  idp.start({ clientId: 'strata', clientSecret, redirectUri: `${platform.url}/api/v1/auth/oidc/oidc/callback` });
  const [org] = await platform.db('organizations').insert({ name: 'acme' }).returning('id');
  acmeId = org.id as string;
});

afterAll(async () => {
  await platform?.close();
  await idp?.close();
});

beforeEach(() => {
  idp.tamperIdToken = null;
  idp.denyNext = false;
});

/** Starts a sign-in at Strata and follows the identity provider's redirects up to (not into) Strata's callback. */
async function toCallback(account: string, returnTo?: string): Promise<{ browser: TestBrowser; callbackUrl: string }> {
  idp.nextLogin = account;
  const browser = new TestBrowser();
  let res = await browser.get(`${platform.url}/api/v1/auth/oidc/oidc/login${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`);
  expect(res.status, res.body).toBe(302);
  const authorize = new URL(res.location!);
  expect(authorize.origin).toBe(idp.issuer);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('state')).toBeTruthy();
  expect(authorize.searchParams.get('nonce')).toBeTruthy();
  for (let hop = 0; hop < 10; hop++) {
    if (res.location!.startsWith(`${platform.url}/`)) return { browser, callbackUrl: res.location! };
    res = await browser.get(res.location!);
    expect([302, 303], res.body).toContain(res.status);
  }
  throw new Error('the identity provider never redirected back to Strata');
}

/** A whole sign-in: the callback's answer and the session cookie it set. */
async function signInWithSso(account: string, returnTo?: string): Promise<{ status: number; location: string | null; session: string | undefined }> {
  const { browser, callbackUrl } = await toCallback(account, returnTo);
  const res = await browser.get(callbackUrl);
  return { status: res.status, location: res.location, session: browser.cookie(host, 'strata_session') };
}

async function lastAuditId(): Promise<number> {
  const row = await platform.db('audit_log').max<{ max: string | null }[]>('id as max').first();
  return Number(row?.max ?? 0);
}

async function loginAuditsAfter(id: number): Promise<{ result: string; target: string; details: Record<string, unknown> }[]> {
  return platform.db('audit_log').where('id', '>', id).andWhere({ action: 'auth.login' }).orderBy('id').select(['result', 'target', 'details']);
}

async function me(session: string) {
  const res = await call('/api/v1/me', { token: null, headers: { cookie: `strata_session=${session}` } });
  expect(res.status, res.body.toString()).toBe(200);
  return res.json();
}

function account(email: string, groups: string[] = [], verified = true) {
  idp.accounts.set(email, { email, email_verified: verified, name: email.split('@')[0]!, groups });
  return email;
}

describe('sign-in providers', () => {
  it('lists every configured provider for the sign-in page, without signing in', async () => {
    const res = await call('/api/v1/auth/providers', { token: null });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { id: 'oidc', name: 'Single sign-on', loginUrl: '/api/v1/auth/oidc/oidc/login' },
        { id: 'down', name: 'Offline IdP', loginUrl: '/api/v1/auth/oidc/down/login' },
      ],
    });
  });

  it('sends the browser back to the sign-in page when a provider cannot be reached (and answers 503 to JSON clients)', async () => {
    const browser = new TestBrowser();
    const res = await browser.get(`${platform.url}/api/v1/auth/oidc/down/login`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${platform.url}/login?error=sso_unavailable`);
    const api = await browser.get(`${platform.url}/api/v1/auth/oidc/down/login`, { accept: 'application/json' });
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body).error.code).toBe('sso_unavailable');
  });

  it('answers 404 for a provider that is not configured', async () => {
    const res = await call('/api/v1/auth/oidc/nope/login', { token: null, headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
  });
});

describe('signing in with OpenID Connect', () => {
  it('creates the user on first sign-in, opens a working session and returns to the path asked for', async () => {
    const email = account('carol@acme.test');
    const before = await lastAuditId();
    const res = await signInWithSso(email, '/modules?q=vpc');
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${platform.url}/modules?q=vpc`);
    expect(res.session).toBeTruthy();
    const who = await me(res.session!);
    expect(who.user).toMatchObject({ email, name: 'carol' });
    const user = await platform.db('users').where({ email }).first();
    expect(user.password_hash).toBeNull();
    expect(user.email_verified_at).not.toBeNull();
    const session = await platform.db('sessions').where({ user_id: user.id }).first();
    expect(session.method).toBe('oidc:oidc');
    expect(await loginAuditsAfter(before)).toEqual([expect.objectContaining({ result: 'success', target: email, details: expect.objectContaining({ method: 'oidc:oidc', created: true }) })]);

    // Signing in again is the same user, not a second one.
    const again = await signInWithSso(email);
    expect(again.location).toBe(`${platform.url}/`);
    expect((await me(again.session!)).user.id).toBe(who.user.id);
  });

  it('links a verified email to the existing account, and refuses to link an unverified one', async () => {
    const existing = await createUser(call, 'dave@acme.test');
    const res = await signInWithSso(account('dave@acme.test'));
    expect((await me(res.session!)).user.id).toBe(existing.id);

    const victim = await createUser(call, 'erin@acme.test');
    idp.accounts.set('erin-impostor', { email: victim.email, email_verified: false, name: 'not erin', groups: [] });
    const before = await lastAuditId();
    const refused = await signInWithSso('erin-impostor');
    expect(refused.location).toBe(`${platform.url}/login?error=sso_email_unverified`);
    expect(refused.session).toBeUndefined();
    expect(await loginAuditsAfter(before)).toEqual([expect.objectContaining({ result: 'failure', details: expect.objectContaining({ reason: 'email_unverified' }) })]);
    expect(await platform.db('sso_identities').where({ user_id: victim.id })).toEqual([]);
  });

  it('puts the user in the teams of their groups, and takes them out of a team when the group goes (manual memberships stay)', async () => {
    const [readers] = await platform.db('teams').insert({ org_id: acmeId, name: 'readers', role: 'reader', sso_group: 'strata-readers' }).returning('id');
    const [publishers] = await platform.db('teams').insert({ org_id: acmeId, name: 'publishers', role: 'publisher', sso_group: 'strata-publishers' }).returning('id');
    const [handPicked] = await platform.db('teams').insert({ org_id: acmeId, name: 'hand-picked', role: 'reader', sso_group: 'strata-other' }).returning('id');
    const email = account('frank@acme.test', ['strata-readers', 'strata-publishers', 'unrelated']);

    const first = await signInWithSso(email);
    const who = await me(first.session!);
    expect(who.organizations).toEqual([{ id: acmeId, name: 'acme', role: 'publisher' }]);
    const teamsOf = async () =>
      (await platform.db('team_members').where({ user_id: who.user.id }).select(['team_id', 'source']).orderBy('team_id')).map((r) => `${r.team_id}:${r.source}`).sort();
    expect(await teamsOf()).toEqual([`${readers.id}:sso`, `${publishers.id}:sso`].sort());

    await platform.db('team_members').insert({ team_id: handPicked.id, user_id: who.user.id, source: 'manual' });
    idp.accounts.get(email)!.groups = ['strata-readers'];
    const second = await signInWithSso(email);
    expect(await teamsOf()).toEqual([`${readers.id}:sso`, `${handPicked.id}:manual`].sort());
    expect((await me(second.session!)).organizations).toEqual([{ id: acmeId, name: 'acme', role: 'reader' }]);

    idp.accounts.get(email)!.groups = [];
    await signInWithSso(email);
    expect(await teamsOf()).toEqual([`${handPicked.id}:manual`]);
  });
});

describe('refused sign-ins', () => {
  it('refuses a callback whose state is not the one this browser started with', async () => {
    const { browser, callbackUrl } = await toCallback(account('grace@acme.test'));
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'attacker-chosen-state');
    const before = await lastAuditId();
    const res = await browser.get(forged.href);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${platform.url}/login?error=sso_state_mismatch`);
    expect(browser.cookie(host, 'strata_session')).toBeUndefined();
    expect(await loginAuditsAfter(before)).toEqual([expect.objectContaining({ result: 'failure', details: expect.objectContaining({ method: 'oidc:oidc', reason: 'state_mismatch' }) })]);

    // A genuine callback URL opened in another browser (no flow cookie) is refused too, with JSON when asked.
    const other = new TestBrowser();
    const json = await other.get(callbackUrl, { accept: 'application/json' });
    expect(json.status).toBe(401);
    expect(JSON.parse(json.body).error.code).toBe('sso_state_mismatch');
    expect(await platform.db('users').where({ email: 'grace@acme.test' })).toEqual([]);
  });

  it('sends the browser back to the sign-in page when the person declines at the provider', async () => {
    idp.denyNext = true;
    const before = await lastAuditId();
    const res = await signInWithSso(account('karl@acme.test'));
    expect(res.location).toBe(`${platform.url}/login?error=sso_denied`);
    expect(res.session).toBeUndefined();
    expect(await loginAuditsAfter(before)).toEqual([expect.objectContaining({ result: 'failure', details: expect.objectContaining({ reason: 'authorization_error:access_denied' }) })]);
  });

  it('refuses a replayed authorization code', async () => {
    const { browser, callbackUrl } = await toCallback(account('heidi@acme.test'));
    const flowCookie = browser.cookie(host, 'strata_sso_flow')!;
    const first = await browser.get(callbackUrl);
    expect(first.location).toBe(`${platform.url}/`);
    // The attacker replays the whole callback: same code, same state, the flow cookie copied before it was cleared.
    const attacker = new TestBrowser();
    attacker.setCookie(host, '/api/v1/auth/oidc/oidc/', 'strata_sso_flow', flowCookie);
    const before = await lastAuditId();
    const replay = await attacker.get(callbackUrl);
    expect(replay.location).toBe(`${platform.url}/login?error=sso_failed`);
    expect(attacker.cookie(host, 'strata_session')).toBeUndefined();
    expect(await loginAuditsAfter(before)).toEqual([expect.objectContaining({ result: 'failure', details: expect.objectContaining({ reason: 'token_error:invalid_grant' }) })]);
  });

  it('refuses an ID token issued for another client', async () => {
    idp.tamperIdToken = (claims) => ({ ...claims, aud: 'some-other-client' });
    const before = await lastAuditId();
    const res = await signInWithSso(account('ivan@acme.test'));
    expect(res.location).toBe(`${platform.url}/login?error=sso_failed`);
    expect(res.session).toBeUndefined();
    const [entry] = await loginAuditsAfter(before);
    expect(entry).toMatchObject({ result: 'failure', details: { method: 'oidc:oidc' } });
    expect(String(entry!.details.reason)).toMatch(/"aud"/);
    expect(await platform.db('users').where({ email: 'ivan@acme.test' })).toEqual([]);
  });

  it('refuses an expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    idp.tamperIdToken = (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 });
    const before = await lastAuditId();
    const res = await signInWithSso(account('judy@acme.test'));
    expect(res.location).toBe(`${platform.url}/login?error=sso_failed`);
    expect(res.session).toBeUndefined();
    const [entry] = await loginAuditsAfter(before);
    expect(entry).toMatchObject({ result: 'failure' });
    expect(String(entry!.details.reason)).toMatch(/"exp"/);
  });

  it('does not follow a returnTo to another site', async () => {
    const email = account('mallory@acme.test');
    for (const evil of ['https://evil.test', '//evil.test/x', '/\\evil.test']) {
      const res = await signInWithSso(email, evil);
      expect(res.status).toBe(302);
      expect(res.location).toBe(`${platform.url}/`);
    }
  });
});
