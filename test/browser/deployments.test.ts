import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { pluginZip } from '../fixtures/plugins';
import { pulumiBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// Plugin deployments in the dashboard, in headless Chromium against the real platform with a real Pulumi CLI: a
// publisher provisions a plugin into production from its form and lands on the run's page; an admin approves the
// preview there and sees the update applied with its outputs; the deployments list shows it deployed and filters;
// the deployment's workspace page shows its plugin and inputs and starts a refresh.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');
const ORG = 'shop';
const WAIT = { timeout: 20_000 };
const RUN_WAIT = 90_000;

/** One dynamic resource (no cloud needed) and a secret output. */
const PROGRAM = `const pulumi = require('@pulumi/pulumi');
module.exports = async function (inputs) {
  const provider = { async create(props) { return { id: 'bucket-' + props.name, outs: props }; } };
  class Bucket extends pulumi.dynamic.Resource {
    constructor(name, props, opts) { super(provider, name, props, opts); }
  }
  const bucket = new Bucket('bucket', { name: inputs.name, region: inputs.region });
  return { bucketId: bucket.id, key: pulumi.secret('k3y-' + inputs.name) };
};
`;
const MANIFEST = {
  name: 'bucket',
  version: '1.0.0',
  description: 'A storage bucket',
  inputs: {
    type: 'object',
    properties: { name: { type: 'string', title: 'Name' }, region: { type: 'string', enum: ['eu', 'us'], default: 'eu' } },
    required: ['name'],
    additionalProperties: false,
  },
};

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let ann: User; // owner: approves in production
let pat: User; // publisher: deploys
let annToken: string;

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

/** The run's status, error and log when it did not do what the test expected. */
async function runReport(runId: string): Promise<string> {
  const run = (await call(`/api/v1/runs/${runId}`, { token: annToken })).body.toString();
  const logs = (await call(`/api/v1/runs/${runId}/logs`, { token: annToken })).body.toString();
  return `${run}\n${logs.slice(-4000)}`;
}

async function waitForStatus(page: Page, runId: string, pattern: RegExp): Promise<string> {
  const status = page.getByTestId('run-status').locator('[data-run-status]');
  await expect.poll(() => status.getAttribute('data-run-status'), { timeout: RUN_WAIT, message: `run ${runId} should reach ${pattern}` }).toMatch(pattern);
  const seen = (await status.getAttribute('data-run-status'))!;
  if (seen === 'errored') throw new Error(`the run errored:\n${await runReport(runId)}`);
  return seen;
}

beforeAll(async () => {
  const [pulumi] = await Promise.all([pulumiBinary(), ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({ env: { STRATA_PULUMI_BIN: pulumi } });
  call = clientFor(platform);
  ann = await createUser(call, 'ann@shop.test', 'Ann Owner');
  pat = await createUser(call, 'pat@shop.test', 'Pat Publisher');
  annToken = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, annToken, ORG);
  await addMember(call, annToken, ORG, pat.email, 'publisher');
  const zip = await pluginZip([
    { name: 'strata-plugin.json', content: JSON.stringify(MANIFEST) },
    { name: 'index.js', content: PROGRAM },
  ]);
  const published = await call(`/api/v1/orgs/${ORG}/plugins?wait=true`, { method: 'POST', token: annToken, headers: { 'content-type': 'application/zip' }, body: zip });
  expect(published.status, published.body.toString()).toBe(201);
  browser = await launchChromium();
}, 600_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
});

describe('deployments in the dashboard', () => {
  let runId: string;

  it('a publisher provisions into production from the form; an admin approves on the run page and sees the outputs', async () => {
    const dev = await newPage();
    await signInPage(dev, pat, `/orgs/${ORG}/plugins/bucket`);
    const form = dev.getByRole('form', { name: 'Deploy form' });
    await form.getByLabel('Stack').fill('assets-prod');
    await form.getByLabel('Environment').selectOption('production');
    await form.getByLabel('Name').fill('assets');
    await form.getByLabel('region').selectOption({ label: 'us' });
    for (const [tag, value] of Object.entries({ team: 'web', owner: 'pat', purpose: 'static files' })) await form.getByLabel(tag).fill(value);
    await form.getByRole('button', { name: 'Deploy' }).click();
    // The form leads to the deployment's first run.
    await dev.waitForURL('**/runs/*');
    runId = dev.url().split('/runs/')[1]!;
    await waitForStatus(dev, runId, /^(awaiting_approval|errored)$/);
    await expect.poll(() => dev.getByTestId('plan-summary').textContent(), WAIT).toMatch(/\+[1-9]/);
    // A publisher is no approver in production.
    await expect.poll(() => dev.getByTestId('awaiting-approver').count(), WAIT).toBe(1);
    expect(await dev.getByRole('button', { name: 'Approve and apply' }).count()).toBe(0);
    await shot(dev, 'deployments-awaiting-approval');

    const admin = await newPage();
    await signInPage(admin, ann, `/runs/${runId}`);
    await admin.getByRole('button', { name: 'Approve and apply' }).click();
    await waitForStatus(admin, runId, /^(applied|errored)$/);
    await expect.poll(() => admin.locator('tr[data-output="bucketId"] td').textContent(), WAIT).toBe('bucket-assets');
    expect(await admin.locator('tr[data-output="key"] td').textContent()).toBe('sensitive');
    expect(await admin.content()).not.toContain('k3y-assets');
    await shot(admin, 'deployments-applied');
  }, 120_000);

  it('lists the deployment as deployed, filters the list, and links to its run and workspace', async () => {
    const page = await newPage();
    await signInPage(page, ann, `/orgs/${ORG}/deployments`);
    const table = page.getByRole('table', { name: 'Deployments' });
    const row = table.locator('tr[data-deployment="assets-prod"]');
    await expect.poll(() => row.locator('[data-deployment-status]').getAttribute('data-deployment-status'), WAIT).toBe('deployed');
    expect(await row.textContent()).toContain('bucket');
    expect(await row.textContent()).toContain('team=web');
    expect(await row.getByRole('link', { name: /apply/ }).getAttribute('href')).toBe(`/runs/${runId}`);
    await shot(page, 'deployments-list');

    const filters = page.getByRole('form', { name: 'Filter deployments' });
    const applyFilter = async (set: () => Promise<unknown>, expected: number) => {
      await filters.getByRole('button', { name: 'Clear' }).click();
      await set();
      await filters.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.locator('tr[data-deployment]').count(), WAIT).toBe(expected);
    };
    await applyFilter(() => filters.getByLabel('Environment').selectOption('development'), 0);
    expect(await page.getByText('No deployment matches.').count()).toBe(1);
    await applyFilter(() => filters.getByLabel('Environment').selectOption('production'), 1);
    await applyFilter(() => filters.getByLabel('Status').selectOption('failed'), 0);
    await applyFilter(() => filters.getByLabel('Status').selectOption('deployed'), 1);
    await applyFilter(() => filters.getByLabel('Plugin').fill('other'), 0);
    await applyFilter(() => filters.getByLabel('Plugin').fill('bucket'), 1);
    await applyFilter(() => filters.getByLabel('Tag').fill('team=data'), 0);
    await applyFilter(() => filters.getByLabel('Tag').fill('team=web'), 1);

    await row.getByRole('link', { name: 'assets-prod' }).click();
    await page.waitForURL(`**/orgs/${ORG}/workspaces/assets-prod`);
  });

  it('the workspace page shows the plugin and inputs, and starts a refresh instead of offering an upload', async () => {
    const page = await newPage();
    await signInPage(page, ann, `/orgs/${ORG}/workspaces/assets-prod`);
    await expect.poll(() => page.getByTestId('deployment-plugin').textContent(), WAIT).toBe('bucket 1.0.0');
    expect(await page.locator('tr[data-input="name"] td').textContent()).toBe('"assets"');
    expect(await page.locator('tr[data-input="region"] td').textContent()).toBe('"us"');
    expect(await page.getByText('Source: plugin bucket 1.0.0').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Upload configuration' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'State versions' }).count()).toBe(0);
    for (const name of ['Update', 'Refresh', 'Destroy']) expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    await shot(page, 'deployments-workspace');

    const sent = page.waitForRequest((r) => r.url().endsWith(`/api/v1/orgs/${ORG}/workspaces/assets-prod/runs`) && r.method() === 'POST');
    await page.getByRole('button', { name: 'Refresh', exact: true }).click();
    expect((await sent).postDataJSON()).toEqual({ operation: 'apply', refreshOnly: true });
    await page.waitForURL('**/runs/*');
    const refreshId = page.url().split('/runs/')[1]!;
    expect(refreshId).not.toBe(runId);
    const refresh = (await call(`/api/v1/runs/${refreshId}`, { token: annToken })).json();
    expect(refresh).toMatchObject({ workspace: 'assets-prod', operation: 'apply', refreshOnly: true });
    // Leave no run waiting behind.
    await waitForStatus(page, refreshId, /^(awaiting_approval|planned_no_changes|applied|errored)$/);
    if ((await page.getByRole('button', { name: 'Discard' }).count()) > 0) {
      await page.getByRole('button', { name: 'Discard' }).click();
      await waitForStatus(page, refreshId, /^(discarded|errored)$/);
    }
  }, 120_000);
});
