import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { startCloudStandIns, type CloudStandIns } from '../credentials/cloud-stand-ins';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The Credentials page in headless Chromium against the real platform: an admin stores credentials with the form
// of their kind, watches the check live, rotates and deletes; a reader only sees. The clouds are the stand-ins.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let clouds: CloudStandIns;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { email: string; password: string };
let ann: User;
let rob: User;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, baseURL: platform.url });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

async function signInPage(page: Page, user: User, returnTo: string): Promise<void> {
  await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await eventually(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
}

/** Polls like a person waiting for the page (a check runs through Temporal; the machine may be busy). */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000 });

const row = (page: Page, name: string) => page.locator(`tr[data-credential="${name}"]`);

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  [platform, clouds] = await Promise.all([startPlatform({ env: { STRATA_ALLOW_PRIVATE_NETWORKS: 'true' } }), startCloudStandIns()]);
  const call = clientFor(platform);
  ann = await createUser(call, 'ann@acme.test', 'Ann Admin');
  rob = await createUser(call, 'rob@acme.test', 'Rob Reader');
  const annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, 'acme');
  await addMember(call, annToken, 'acme', rob.email, 'reader');
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await Promise.all([platform?.close(), clouds?.close()]);
});

describe('the Credentials page', () => {
  it('an admin saves a credential, watches its check live, rotates a bad one and deletes it', async () => {
    const page = await newPage();
    await signInPage(page, ann, '/orgs/acme/credentials');
    await eventually(() => page.getByRole('heading', { name: 'acme' }).count()).toBe(1);
    await eventually(() => page.getByText('acme has no cloud credentials yet.').count()).toBe(1);

    // DigitalOcean: the form of that kind, the token field write-only.
    const form = page.getByRole('form', { name: 'New cloud credential' });
    await form.getByLabel('Name').fill('do-prod');
    await form.getByLabel('Cloud').selectOption('digitalocean');
    const token = form.getByLabel('API token');
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill(clouds.digitalocean.token);
    await form.getByLabel('Endpoint').fill(clouds.url);
    await form.getByRole('button', { name: 'Save and check' }).click();
    const check = page.getByRole('region', { name: 'Credential check' });
    await eventually(() => check.getByText('Done.').count()).toBe(1);
    await eventually(() => row(page, 'do-prod').getByText('valid', { exact: true }).count()).toBe(1);
    expect(await row(page, 'do-prod').textContent()).toContain('email: ops@acme.test');
    expect(await page.content()).not.toContain(clouds.digitalocean.token);

    // Hetzner with a wrong token: invalid, with the API's reason.
    await form.getByLabel('Name').fill('hcloud');
    await form.getByLabel('Cloud').selectOption('hetzner');
    await form.getByLabel('API token').fill('not-the-token');
    await form.getByLabel('Endpoint').fill(clouds.url);
    await form.getByRole('button', { name: 'Save and check' }).click();
    await eventually(() => row(page, 'hcloud').getByText('invalid', { exact: true }).count()).toBe(1);
    expect(await row(page, 'hcloud').textContent()).toContain('unauthorized: unable to authenticate');

    // Rotated to the right token: version 2, valid.
    await row(page, 'hcloud').getByRole('button', { name: 'Rotate hcloud' }).click();
    const rotate = page.getByRole('form', { name: 'Rotate hcloud' });
    await rotate.getByLabel('New api token').fill(clouds.hetzner.token);
    await rotate.getByRole('button', { name: 'Save new version' }).click();
    await eventually(() => row(page, 'hcloud').getByText('valid', { exact: true }).count()).toBe(1);
    expect(await row(page, 'hcloud').textContent()).toContain('version 2');
    expect(await row(page, 'hcloud').textContent()).toContain('locations: fsn1, nbg1, hel1');

    // Check now: the live progress of `credential-check:<id>`.
    await row(page, 'do-prod').getByRole('button', { name: 'Check do-prod now' }).click();
    await eventually(() => check.getByRole('heading', { name: 'Checking do-prod' }).count()).toBe(1);
    await eventually(() => check.getByText('Done.').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'credentials-admin.png'), fullPage: true });

    await row(page, 'hcloud').getByRole('button', { name: 'Delete hcloud' }).click();
    await row(page, 'hcloud').getByRole('button', { name: 'Delete “hcloud” now' }).click();
    await eventually(() => row(page, 'hcloud').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('a reader sees status and identity, and no form or buttons', async () => {
    const page = await newPage();
    await signInPage(page, rob, '/orgs/acme/credentials');
    await eventually(() => row(page, 'do-prod').getByText('valid', { exact: true }).count()).toBe(1);
    expect(await page.getByRole('form', { name: 'New cloud credential' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Check|Rotate|Delete/ }).count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'credentials-reader.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
