import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The organisation's webhooks page in headless Chromium against the real platform: create (the secret shown
// once), send a test event to a real local receiver, read the delivery log, redeliver, disable, delete.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let ann: User;
let rob: User;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

async function signInPage(page: Page, user: User, returnTo: string): Promise<void> {
  await page.goto(`/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**${returnTo}`);
}

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_ALLOW_PRIVATE_NETWORKS: 'true' } });
  const call = clientFor(platform);
  ann = await createUser(call, 'ann@hooks.test', 'Ann Owner');
  rob = await createUser(call, 'rob@hooks.test', 'Rob Reader');
  const annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, 'acme');
  await addMember(call, annToken, 'acme', rob.email, 'reader');
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/strata`;
  browser = await launchChromium();
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await platform?.close();
});

describe('the webhooks page', () => {
  it('creates a webhook showing its secret once, sends a test event, shows the delivery log and redelivers', async () => {
    const page = await newPage();
    await signInPage(page, ann, '/orgs/acme/webhooks');
    await expect.poll(() => page.getByText('acme has no webhooks yet.').count()).toBe(1);
    await page.getByLabel('Endpoint URL').fill(receiverUrl);
    await page.getByLabel('module.published').check();
    await page.getByLabel('run.errored').check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secretPanel = page.getByTestId('webhook-secret');
    await expect.poll(() => secretPanel.textContent()).toMatch(/whsec_[A-Za-z0-9+/]+=*/);
    const secret = /whsec_[A-Za-z0-9+/]+=*/.exec((await secretPanel.textContent())!)![0];
    const row = page.locator('tr[data-webhook]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('module.published');
    await page.screenshot({ path: join(SHOTS, 'webhooks-created.png'), fullPage: true });

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await expect.poll(() => row.count()).toBe(1);
    expect(await page.content()).not.toContain(secret.slice(6));

    await page.getByRole('button', { name: 'Send test event' }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const status = page.locator('tr[data-delivery] [data-status]');
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return status.allTextContents();
    }, { timeout: 15_000 }).toEqual(['delivered']);
    expect(await page.locator('tr[data-delivery]').textContent()).toContain('webhook.test');
    expect(await page.locator('tr[data-delivery]').textContent()).toContain('204');
    await page.screenshot({ path: join(SHOTS, 'webhooks-delivery-log.png'), fullPage: true });

    await page.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    expect(received[1]).toBe(received[0]);
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return status.allTextContents();
    }, { timeout: 15_000 }).toEqual(['delivered', 'delivered']);
    expect(await page.getByText('redelivery 1').count()).toBe(1);
  });

  it('disables, enables and deletes a webhook', async () => {
    const page = await newPage();
    await signInPage(page, ann, '/orgs/acme/webhooks');
    const row = page.locator('tr[data-webhook]');
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => row.locator('.badge.bad').textContent()).toBe('disabled');
    expect(await row.getByRole('button', { name: 'Send test event' }).isDisabled()).toBe(true);
    await row.getByRole('button', { name: 'Enable' }).click();
    await expect.poll(() => row.locator('.badge.ok').textContent()).toBe('enabled');
    await row.getByRole('button', { name: /Delete webhook/ }).click();
    await row.getByRole('button', { name: 'Delete now' }).click();
    await expect.poll(() => page.getByText('acme has no webhooks yet.').count()).toBe(1);
  });

  it('tells a reader that only admins manage webhooks', async () => {
    const page = await newPage();
    await signInPage(page, rob, '/orgs/acme/webhooks');
    await expect.poll(() => page.getByText('Only owners and admins of acme manage its webhooks.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Create webhook' }).count()).toBe(0);
  });
});
