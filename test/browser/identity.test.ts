import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createNamespace, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';
import { networkModuleArchive } from './fixtures';

// Signing in to the dashboard and what each role sees there, in headless Chromium against the real platform
// with private namespaces by default. Users, organisations and namespaces are made through the API.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let browser: Browser;
let work: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let ann: User; // owner of acme
let rob: User; // reader in acme
let olga: User; // owner of globex
let annToken: string;

const gz = { 'content-type': 'application/gzip' };

/** A fresh browser profile (its own cookies), as another person on another machine. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in page, as a person would. */
async function signInPage(page: Page, user: User, returnTo?: string): Promise<void> {
  await page.goto(returnTo ? `/login?returnTo=${encodeURIComponent(returnTo)}` : '/login');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-browser-identity-'));
  ann = await createUser(call, 'ann@acme.test', 'Ann Owner');
  rob = await createUser(call, 'rob@acme.test', 'Rob Reader');
  olga = await createUser(call, 'olga@globex.test', 'Olga Globex');
  await createUser(call, 'carl@acme.test', 'Carl Candidate');
  annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, 'acme');
  await addMember(call, annToken, 'acme', rob.email, 'reader');
  await createNamespace(call, annToken, 'acme', 'acme-net');
  const olgaToken = await userToken(call, await signIn(call, olga.email, olga.password));
  await createOrg(call, olgaToken, 'globex');
  await createNamespace(call, olgaToken, 'globex', 'globex-secret');
  for (const [path, token] of [
    ['acme-net/network/aws/1.0.0', annToken],
    ['globex-secret/network/aws/1.0.0', olgaToken],
  ] as const) {
    const r = await call(`/api/v1/modules/${path}?wait=true`, { method: 'POST', token, body: await networkModuleArchive(work, '1.0.0', `${path.replaceAll('/', '-')}.tar.gz`), headers: gz });
    expect(r.status, r.body.toString()).toBe(201);
  }
  browser = await launchChromium();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('password sign-in', () => {
  it('refuses a wrong password, signs in with an HttpOnly cookie, goes back where it was asked to, and signs out', async () => {
    const page = await newPage();
    await page.goto('/login?returnTo=%2Forgs%2Facme%2Fmembers');
    // No SSO provider is configured: no SSO buttons, only the form.
    expect(await page.getByRole('list', { name: 'Single sign-on' }).count()).toBe(0);
    await page.getByLabel('Email').fill(ann.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The email or the password is wrong.');
    await shot(page, 'identity-login-failed');

    await page.getByLabel('Password').fill(ann.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/orgs/acme/members');
    await expect.poll(() => page.locator('header.site .user').textContent()).toBe('Ann Owner');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'strata_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('strata_session');
    // Nothing of the session is kept where scripts could read it.
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(cookie!.value);

    await page.reload();
    await expect.poll(() => page.locator('header.site .user').textContent()).toBe('Ann Owner');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${platform.url}/`);
    await expect.poll(() => page.locator('header.site').getByRole('link', { name: 'Sign in' }).count()).toBe(1);
    expect(await page.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
    // The old cookie value is dead, not only forgotten by this browser.
    const replay = await call('/api/v1/me', { token: null, headers: { cookie: `strata_session=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    await page.goto('/activity');
    await expect.poll(() => page.getByText('Sign in to see the activity feed.').count()).toBe(1);
  });

  it('never sends a signed-in user to another site after signing in', async () => {
    const page = await newPage();
    await page.goto('/login?returnTo=%2F%2Fevil.example%2Fphish');
    await page.getByLabel('Email').fill(rob.email);
    await page.getByLabel('Password').fill(rob.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${platform.url}/`);
    expect(new URL(page.url()).host).toBe(new URL(platform.url).host);
  });

  it('shows an SSO failure code in words without echoing it', async () => {
    const page = await newPage();
    await page.goto('/login?error=%3Cb%3Ebold%3C%2Fb%3E');
    const alert = await page.getByRole('alert').textContent();
    expect(alert).toContain('Signing in did not work');
    expect(alert).not.toContain('bold');
  });
});

describe('a reader', () => {
  it('is offered no publishing, sees their organisation but nothing of another one, and no admin actions', async () => {
    const page = await newPage();
    await signInPage(page, rob);
    expect(await nav(page).getByRole('link', { name: 'Publish' }).count()).toBe(0);
    expect(await nav(page).getByRole('link', { name: 'Search' }).count()).toBe(1);
    await page.goto('/publish');
    await expect.poll(() => page.getByText('Your role cannot publish.').count()).toBe(1);
    expect(await page.getByRole('button', { name: /Publish/ }).count()).toBe(0);
    await shot(page, 'identity-reader-publish');

    await page.goto('/');
    await expect.poll(() => page.locator('.results h2').allTextContents()).toEqual(['acme-net/network/aws']);
    await page.getByLabel('Search modules and providers').fill('globex');
    await expect.poll(() => page.getByText('Nothing matches “globex”.').count()).toBe(1);
    await page.goto('/modules/globex-secret/network/aws');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not found');
    expect(await page.locator('main').textContent()).not.toContain('Network module');
    await page.goto('/orgs/globex/namespaces');
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    expect(await page.locator('main').textContent()).not.toContain('globex-secret');

    await page.goto('/orgs/acme/members');
    await expect.poll(() => page.locator('table.members tbody tr').count()).toBe(2);
    expect(await page.getByLabel('Add a member by email').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Remove/ }).count()).toBe(0);
    expect(await page.locator('table.members select').count()).toBe(0);
    await page.goto('/orgs/acme/namespaces');
    await expect.poll(() => page.locator('table.namespaces tbody tr').count()).toBe(1);
    expect(await page.getByRole('button', { name: /Make public/ }).count()).toBe(0);
    await shot(page, 'identity-reader-members');
  });
});

describe('an owner', () => {
  it('adds a member with a role, changes a role and removes a member on the members page', async () => {
    const page = await newPage();
    await signInPage(page, ann, '/orgs/acme/members');
    await page.waitForURL('**/orgs/acme/members');
    const rows = page.locator('table.members tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByLabel('Organisation', { exact: true }).inputValue()).toBe('acme');

    await page.getByLabel('Add a member by email').fill('carl@acme.test');
    await page.getByLabel('Role', { exact: true }).selectOption('publisher');
    await page.getByRole('button', { name: 'Add member' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    await page.getByLabel('Role of rob@acme.test').selectOption('publisher');
    await expect.poll(async () => (await call('/api/v1/orgs/acme/members', { token: annToken })).json().items.find((m: { email: string }) => m.email === rob.email)?.role).toBe('publisher');
    await shot(page, 'identity-owner-members');

    await page.getByRole('button', { name: 'Remove carl@acme.test' }).click();
    await page.getByRole('button', { name: 'Remove carl@acme.test now' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    const members = (await call('/api/v1/orgs/acme/members', { token: annToken })).json().items.map((m: { email: string; role: string }) => `${m.email}:${m.role}`);
    expect(members.sort()).toEqual(['ann@acme.test:owner', 'rob@acme.test:publisher']);

    // A refused change (the last owner cannot step down) says why and keeps showing the real role.
    await page.getByLabel('Role of ann@acme.test').selectOption('admin');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('at least one owner');
    expect(await page.getByLabel('Role of ann@acme.test').inputValue()).toBe('owner');

    // On a phone the table scrolls inside its frame; the page itself does not scroll sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'identity-owner-members-phone');
  });

  it('publishes with the session cookie and follows the workflow live without a token in the URL', async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
    await signInPage(page, ann, '/publish');
    await page.waitForURL('**/publish');
    await page.locator('#module-archive').setInputFiles({ name: 'terraform-aws-edge-2.0.0.tar.gz', mimeType: 'application/gzip', buffer: await networkModuleArchive(work, '2.0.0', 'edge.tar.gz') });
    await page.getByLabel('Namespace').fill('acme-net');
    await page.getByRole('button', { name: 'Publish module' }).click();
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    expect(requests.some((r) => r.startsWith('/api/v1/workflows/') && r.includes('/events'))).toBe(true);
    expect(requests.filter((r) => r.includes('token='))).toEqual([]);
    expect((await call('/api/v1/modules/acme-net/edge/aws', { token: annToken })).status).toBe(200);
  });

  it('makes a namespace public, creates a scoped expiring token and lists the sessions', async () => {
    const page = await newPage();
    await signInPage(page, ann, '/orgs/acme/namespaces');
    await page.waitForURL('**/orgs/acme/namespaces');
    const row = page.locator('table.namespaces tr', { has: page.locator('th', { hasText: 'acme-net' }) });
    await row.getByRole('button', { name: 'Make public' }).click();
    await expect.poll(() => row.locator('.badge').textContent()).toContain('public');
    expect((await call('/api/v1/namespaces/acme-net', { token: null })).json().visibility).toBe('public');
    await shot(page, 'identity-namespaces');

    await page.goto('/tokens');
    await page.getByLabel('New token name').fill('ci-read');
    await page.getByLabel('Expires after').selectOption('30');
    await page.getByLabel('read: download and browse').check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('.created pre').textContent())!.trim();
    const tokenRow = page.locator('table.tokens tr', { has: page.locator('th', { hasText: 'ci-read' }) });
    await expect.poll(() => tokenRow.locator('.scopes').textContent()).toBe('read');
    expect(await tokenRow.textContent()).toContain('in 30 days');
    // Read-only: it may not publish.
    const refused = await call('/api/v1/modules/acme-net/other/aws/1.0.0', { method: 'POST', token: secret, body: await networkModuleArchive(work, '1.0.0', 'other.tar.gz'), headers: gz });
    expect(refused.status).toBe(403);
    await shot(page, 'identity-tokens');

    await page.goto('/sessions');
    await expect.poll(() => page.locator('table.sessions tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('table.sessions .this').count()).toBe(1);
    await shot(page, 'identity-sessions');
    await page.getByRole('button', { name: 'Sign out here' }).click();
    await page.waitForURL('**/login');
    expect(await page.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401);
  });
});
