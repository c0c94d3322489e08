import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { demoPlugin } from '../fixtures/plugins';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The plugin catalogue in the dashboard, in headless Chromium against the real platform: the list with its lock
// badges and search, the input form generated from a version's schema (and what it sends to the deployments
// API), and access requests from both sides.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let ann: User; // owner of acme
let pat: User; // publisher in acme

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function signInPage(page: Page, user: User, returnTo: string): Promise<void> {
  await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**${returnTo}`);
}

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({});
  call = clientFor(platform);
  ann = await createUser(call, 'ann@acme.test', 'Ann Owner');
  pat = await createUser(call, 'pat@acme.test', 'Pat Publisher');
  const annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, 'acme');
  await addMember(call, annToken, 'acme', pat.email, 'publisher');
  for (const name of ['web-service', 'billing-db']) {
    const r = await call('/api/v1/orgs/acme/plugins?wait=true', { method: 'POST', token: annToken, body: await demoPlugin(name, '1.0.0'), headers: { 'content-type': 'application/zip' } });
    expect(r.status, r.body.toString()).toBe(201);
  }
  const locked = await call('/api/v1/orgs/acme/plugins/billing-db/lock', { method: 'POST', token: annToken, headers: json, body: '{}' });
  expect(locked.status).toBe(200);
  browser = await launchChromium();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
});

describe('the plugin catalogue', () => {
  it('lists the organisation’s plugins with lock badges, and searches them', async () => {
    const page = await newPage();
    await signInPage(page, pat, '/orgs/acme/plugins');
    const list = page.getByRole('list', { name: 'Plugins' });
    await expect.poll(() => list.locator('li').count()).toBe(2);
    expect(await list.locator('[data-plugin="billing-db"]').getByText('locked').count()).toBe(1);
    expect(await list.locator('[data-plugin="web-service"]').getByText('locked').count()).toBe(0);
    await shot(page, 'plugins-list');
    await page.getByLabel('Search plugins').fill('billing');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => list.locator('li').count()).toBe(1);
    expect(await list.locator('li').first().getAttribute('data-plugin')).toBe('billing-db');
  });

  it('generates the input form from the schema and sends what it says to the deployments API, showing its answer', async () => {
    const page = await newPage();
    await signInPage(page, pat, '/orgs/acme/plugins/web-service');
    const form = page.getByRole('form', { name: 'Deploy form' });
    await expect.poll(() => form.locator('[data-input]').count()).toBe(4);
    // In the order the author wrote them.
    expect(await form.locator('[data-input]').evaluateAll((els) => els.map((e) => e.getAttribute('data-input')))).toEqual(['name', 'size', 'replicas', 'public']);
    // A required text input (marked), a select for the enum with its default, a number with its default, a checkbox.
    const name = form.locator('[data-input="name"]');
    expect(await name.locator('.req').count()).toBe(1);
    expect(await name.getByText('What the stack is called').count()).toBe(1);
    expect(await form.getByLabel('Name').getAttribute('required')).not.toBeNull();
    const size = form.getByLabel('size');
    expect(await size.evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await size.locator('option:checked').textContent()).toBe('small');
    // Optional: an empty choice leaves it to the schema's default.
    expect(await size.locator('option').allTextContents()).toEqual(['—', 'small', 'medium', 'large']);
    expect(await form.getByLabel('replicas').inputValue()).toBe('1');
    expect(await form.getByLabel('replicas').getAttribute('type')).toBe('number');
    expect(await form.getByLabel('public').isChecked()).toBe(false);
    expect(await form.locator('[data-input="size"] .req').count()).toBe(0);

    await form.getByLabel('Stack').fill('shop-dev');
    await form.getByLabel('Name').fill('shop');
    await size.selectOption({ label: 'large' });
    await form.getByLabel('replicas').fill('3');
    await form.getByLabel('public').check();
    await form.getByLabel('Environment').selectOption('staging');
    await form.getByLabel('team').fill('web');
    await form.getByLabel('owner').fill('pat');
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/v1/orgs/acme/deployments') && r.method() === 'POST');
    await form.getByRole('button', { name: 'Deploy' }).click();
    expect((await sent).postDataJSON()).toEqual({
      plugin: 'web-service',
      version: '1.0.0',
      stack: 'shop-dev',
      environment: 'staging',
      inputs: { name: 'shop', size: 'large', replicas: 3, public: true },
      tags: { team: 'web', owner: 'pat' },
    });
    // The deployments API's answer is shown: here its refusal of the missing required tag.
    await expect.poll(() => page.getByRole('alert').count()).toBeGreaterThan(0);
    expect(await page.getByRole('alert').first().textContent()).toMatch(/requires the tags purpose/);
    await shot(page, 'plugins-deploy-form');
  });

  it('a member asks for access to a locked plugin; its admin approves; the member may then deploy', async () => {
    const member = await newPage();
    await signInPage(member, pat, '/orgs/acme/plugins/billing-db');
    await expect.poll(() => member.getByRole('button', { name: 'Deploy' }).count()).toBe(1);
    expect(await member.getByRole('button', { name: 'Deploy' }).isDisabled()).toBe(true);
    await member.getByLabel('Why you need it').fill('billing for the shop');
    await member.getByRole('button', { name: 'Request access' }).click();
    await expect.poll(() => member.getByText('Your access request is waiting').count()).toBe(1);
    await shot(member, 'plugins-access-requested');

    const admin = await newPage();
    await signInPage(admin, ann, '/orgs/acme/plugins/billing-db');
    const row = admin.locator('tr[data-request="pat@acme.test"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('billing for the shop');
    await shot(admin, 'plugins-access-requests-admin');
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => row.locator('.badge').textContent()).toBe('approved');
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(1);

    await member.reload();
    await expect.poll(() => member.getByRole('button', { name: 'Deploy' }).count()).toBe(1);
    await expect.poll(() => member.getByRole('button', { name: 'Deploy' }).isDisabled()).toBe(false);
    expect(await member.getByRole('button', { name: 'Request access' }).count()).toBe(0);
  });
});
