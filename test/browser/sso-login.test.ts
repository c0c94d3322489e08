import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueAccountToken } from '../../core/auth/account-tokens';
import { LOGIN_PORTS } from '../../core/auth/login-v1';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { TestIdp } from '../identity/oidc-idp';
import { addMember, createNamespace, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The dashboard's sign-in paths that leave the dashboard, in headless Chromium against the real platform: SSO
// through a real OpenID Connect provider (oidc-provider, its own sign-in form on another origin), `tofu login`'s
// authorize URL while signed out, and the account links' pages. Then the Teams and Audit pages on the real API.
const SHOTS = '/tmp/shots2';
const IDP_NAME = 'Test IdP';

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let idp: TestIdp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const servers: Server[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let ann: User; // owner of acme
let rob: User; // reader in acme
let tina: User; // in no organisation: a publisher on acme-net through a team
let annToken: string;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
const headerUser = (page: Page) => page.locator('header.site .user').textContent();

async function fillSignIn(page: Page, user: Pick<User, 'email' | 'password'>): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  idp = await TestIdp.listen();
  const clientSecret = randomBytes(24).toString('hex');
  platform = await startPlatform({
    env: {
      STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private',
      STRATA_OIDC_ISSUER: idp.issuer,
      STRATA_OIDC_CLIENT_ID: 'strata',
      STRATA_OIDC_CLIENT_SECRET: clientSecret,
      STRATA_OIDC_NAME: IDP_NAME,
      STRATA_OIDC_SCOPES: 'openid email profile groups',
    },
  });
  call = clientFor(platform);
  idp.start({ clientId: 'strata', clientSecret, redirectUri: `${platform.url}/api/v1/auth/oidc/oidc/callback` });
  idp.loginForm = true;
  idp.accounts.set('sid', { email: 'sid@sso.test', email_verified: true, name: 'Sid Single', groups: [] });
  idp.passwords.set('sid', 'idp password of sid');

  ann = await createUser(call, 'ann@acme.test', 'Ann Owner');
  rob = await createUser(call, 'rob@acme.test', 'Rob Reader');
  annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, 'acme');
  await addMember(call, annToken, 'acme', rob.email, 'reader');
  await createNamespace(call, annToken, 'acme', 'acme-net');
  tina = await createUser(call, 'tina@elsewhere.test', 'Tina Team');
  browser = await launchChromium();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
  await idp?.close();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

describe('single sign-on', () => {
  it('signs in through the provider\'s own form and lands signed in on the page it started from', async () => {
    const page = await newPage();
    await page.goto('/login?returnTo=%2Factivity');
    const button = page.getByRole('list', { name: 'Single sign-on' }).getByRole('link', { name: `Sign in with ${IDP_NAME}` });
    await shot(page, 'sso-1-login-page');
    await button.click();
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    await page.getByLabel('Username').fill('sid');
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'Sign in to Test IdP' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong username or password.');
    await page.getByLabel('Username').fill('sid');
    await page.getByLabel('Password').fill('idp password of sid');
    await shot(page, 'sso-2-idp-form');
    await page.getByRole('button', { name: 'Sign in to Test IdP' }).click();

    await page.waitForURL(`${platform.url}/activity`);
    await expect.poll(() => headerUser(page)).toBe('Sid Single');
    await shot(page, 'sso-3-signed-in');
    const me = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()) as { user: { email: string } });
    expect(me.user.email).toBe('sid@sso.test');
  });

  it('says in words why the provider turned the person away', async () => {
    const page = await newPage();
    await page.goto('/login');
    await page.getByRole('link', { name: `Sign in with ${IDP_NAME}` }).click();
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${platform.url}/login?error=sso_denied`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The identity provider did not let you sign in');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await shot(page, 'sso-4-denied');
  });
});

/**
 * Stands in for the loopback server `tofu login` runs to receive the code: a port from login.v1's range (another
 * test may hold some of them), on every local address, since `localhost` may resolve to either.
 */
async function loopbackListener(): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  for (let port = LOGIN_PORTS.min; port <= LOGIN_PORTS.max; port++) {
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.setHeader('content-type', 'text/plain');
      res.end('tofu has the code');
    });
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, () => resolve(true));
    });
    if (listening) {
      servers.push(server);
      return { port, hits };
    }
  }
  throw new Error(`no free port from ${LOGIN_PORTS.min} to ${LOGIN_PORTS.max}`);
}

describe('tofu login', () => {
  it('sends a signed-out browser through the sign-in page and on to the CLI\'s loopback server with a working code', async () => {
    const page = await newPage();
    const { port, hits } = await loopbackListener();
    const redirectUri = `http://localhost:${port}/login`;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'terraform-cli',
      redirect_uri: redirectUri,
      state: 'st-42',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;

    await page.goto(authorize);
    await page.waitForURL('**/login?returnTo=**');
    expect(new URL(page.url()).searchParams.get('returnTo')).toBe(authorize);
    await fillSignIn(page, rob);
    await page.waitForURL(`${redirectUri}?**`);
    const final = new URL(page.url());
    expect(`${final.origin}${final.pathname}`).toBe(redirectUri);
    expect(final.searchParams.get('state')).toBe('st-42');
    expect(final.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // (Chromium also asks the loopback server for a favicon.)
    expect(hits.filter((h) => h.startsWith('/login'))).toEqual([`${final.pathname}${final.search}`]);
    await expect.poll(() => page.locator('body').textContent()).toBe('tofu has the code');
    await shot(page, 'tofu-login-loopback');

    // The code is a real one: tofu would trade it (with its verifier) for a token of Rob's.
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: final.searchParams.get('code')!, client_id: 'terraform-cli', redirect_uri: redirectUri, code_verifier: verifier });
    const token = await call('/oauth/token', { method: 'POST', token: null, body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(token.status, token.body.toString()).toBe(200);
    const me = await call('/api/v1/me', { token: token.json().access_token });
    expect(me.json().user.email).toBe(rob.email);
  });
});

describe('account links', () => {
  it('asks for a reset link without telling whether the account exists, and sets a new password from the link', async () => {
    const page = await newPage();
    await page.goto('/login');
    await page.getByText('Forgot your password?').click();
    await page.getByLabel('Your account\'s email').fill('nobody@acme.test');
    await page.getByRole('button', { name: 'Send me a reset link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('If nobody@acme.test belongs to an account');

    // The link the server logs: its token is made here the way the route makes it.
    const user = await createUser(call, 'rita@acme.test', 'Rita Reset');
    const token = await platform.db.transaction((tx) => issueAccountToken(tx, user.id, 'password_reset'));
    await page.goto(`/reset-password?token=${token}`);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('The same password again').fill('short');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least');
    const fresh = 'a brand new passphrase 7';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('The same password again').fill(`${fresh}x`);
    await expect.poll(() => page.getByText('The two passwords differ.').count()).toBe(1);
    await page.getByLabel('The same password again').fill(fresh);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your password has been changed');
    await shot(page, 'reset-password-done');

    // Spent: the same link again says so and offers a new one.
    await page.goto(`/reset-password?token=${token}`);
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('The same password again').fill(fresh);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Ask for a new link' }).count()).toBe(1);

    await page.goto('/login');
    await fillSignIn(page, { email: user.email, password: fresh });
    await expect.poll(() => headerUser(page)).toBe('Rita Reset');
  });

  it('confirms an email address from the verification link', async () => {
    const user = await createUser(call, 'vera@acme.test', 'Vera Verify');
    const token = await platform.db.transaction((tx) => issueAccountToken(tx, user.id, 'email_verification'));
    const verified = () => platform.db('users').where({ id: user.id }).first('email_verified_at');
    expect((await verified()).email_verified_at).toBeNull();
    const page = await newPage();
    await page.goto(`/verify-email?token=${token}`);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your email address is confirmed');
    expect((await verified()).email_verified_at).not.toBeNull();
    await shot(page, 'verify-email-done');
    await page.reload();
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
  });
});

describe('an owner on the Teams and Audit pages', () => {
  it('creates a team, sees it listed, and finds the changes in the audit log and its CSV export', async () => {
    const page = await newPage();
    await page.goto('/login?returnTo=%2Forgs%2Facme%2Fteams');
    await fillSignIn(page, ann);
    await page.waitForURL('**/orgs/acme/teams');
    await expect.poll(() => page.getByText('acme has no teams yet.').count()).toBe(1);
    await page.getByLabel('New team').fill('platform');
    await page.getByLabel('Organisation role').selectOption('publisher');
    await page.getByLabel('SSO group').fill('strata-platform');
    await page.getByRole('button', { name: 'Create team' }).click();
    const row = page.locator('table.teams tbody tr', { has: page.getByRole('link', { name: 'platform' }) });
    await expect.poll(() => row.count()).toBe(1);
    expect((await row.locator('td').allTextContents()).map((t) => t.trim()).slice(0, 3)).toEqual(['publisher', 'strata-platform', '0']);
    await shot(page, 'teams-listed');

    // Tina is no member of acme: the team gives her one namespace to publish into and nothing else.
    await row.getByRole('link', { name: 'platform' }).click();
    await page.waitForURL('**/orgs/acme/teams/platform');
    await page.getByLabel('Add a member by email').fill(tina.email);
    await page.getByRole('button', { name: 'Add to team' }).click();
    await expect.poll(() => page.locator('table.team-members tbody th').allTextContents()).toEqual(['Tina Team']);
    await page.getByLabel('Namespace', { exact: true }).selectOption('acme-net');
    await page.getByLabel('Role', { exact: true }).selectOption('publisher');
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect.poll(() => page.locator('table.team-namespaces tbody tr').allTextContents()).toEqual([expect.stringContaining('acme-netpublisher')]);
    // The team's organisation role goes: only the namespace role stays.
    await page.getByLabel('Organisation role').selectOption('');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Saved.');
    expect((await call('/api/v1/orgs/acme/teams/platform', { token: annToken })).json()).toMatchObject({ role: null, ssoGroup: 'strata-platform', memberCount: 1 });
    await shot(page, 'team-detail');

    await page.goto('/orgs/acme/audit');
    const actions = () => page.locator('table.audit tbody th').allTextContents();
    await expect.poll(actions).toContain('team.create');
    expect(await actions()).toContain('member.add');
    const created = page.locator('table.audit tbody tr', { has: page.locator('th', { hasText: 'team.create' }) });
    expect(await created.textContent()).toContain(ann.email);
    expect(await created.textContent()).toContain('platform');

    await page.getByLabel('Action', { exact: true }).fill('team.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(actions).toEqual(['team.update', 'team.namespace.set', 'team.member.add', 'team.create']);
    const csv = page.getByRole('link', { name: 'CSV' });
    expect(await csv.getAttribute('href')).toBe('/api/v1/orgs/acme/audit/export?action=team.*&format=csv');
    await shot(page, 'audit-filtered');
    const exported = await page.evaluate(async (href) => {
      const res = await fetch(href);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    }, (await csv.getAttribute('href'))!);
    expect(exported.status).toBe(200);
    expect(exported.type).toContain('text/csv');
    expect(exported.body.split('\r\n')[0]).toMatch(/^id,at,actor_type/);
    expect(exported.body).toContain('"team.create"');
    expect(exported.body).not.toContain('"member.add"');
  });

  it('offers publishing to someone whose only role is a team\'s publisher role on one namespace', async () => {
    const me = await call('/api/v1/me', { token: null, headers: { cookie: (await signIn(call, tina.email, tina.password)).cookie } });
    expect(me.json()).toMatchObject({ organizations: [], namespaces: [{ name: 'acme-net', organization: 'acme', role: 'publisher' }] });
    const page = await newPage();
    await page.goto('/login?returnTo=%2Fpublish');
    await fillSignIn(page, tina);
    await page.waitForURL('**/publish');
    await expect.poll(() => headerUser(page)).toBe('Tina Team');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publish' }).count()).toBe(1);
    expect(await page.getByText('Your role cannot publish.').count()).toBe(0);
    await expect.poll(() => page.getByRole('button', { name: /Publish module/ }).count()).toBe(1);
    await shot(page, 'team-publisher-publish');
  });
});
