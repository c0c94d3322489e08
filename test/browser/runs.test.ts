import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The runs dashboard in headless Chromium against the real platform (HTTPS, PostgreSQL, Temporal, a real tofu):
// an admin creates a production workspace, sets variables (one sensitive), uploads a configuration and starts an
// apply; the live log and the plan summary show; a reader sees no approve button; the admin approves in the
// page; the run is applied and its outputs shown, the sensitive one masked.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');
const ORG = 'acme-web-runs';
const SECRET = 'hunter2-never-shown-anywhere';
// The machine is shared: a page may take a few seconds to answer.
const WAIT = { timeout: 20_000 };

let platform: Platform;
let browser: Browser;
let work: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
type User = { id: string; email: string; password: string };
let adam: User;
let rob: User;
let ownerToken: string;

const MAIN_TF = `
variable "greeting" {
  type = string
}
variable "secret" {
  type      = string
  sensitive = true
}
resource "terraform_data" "thing" {
  input = var.greeting
}
output "greeting" {
  value = terraform_data.thing.output
}
output "secret_out" {
  value     = var.secret
  sensitive = true
}
`;

async function newPage(): Promise<Page> {
  // The platform's certificate comes from a throw-away test CA.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url, ignoreHTTPSErrors: true });
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
  await page.waitForURL(`**${returnTo}`);
}

/** What the API says about a run, for a failure message that explains itself. */
async function runReport(id: string): Promise<string> {
  const call = clientFor(platform);
  const run = (await call(`/api/v1/runs/${id}`, { token: ownerToken })).body.toString();
  const logs = (await call(`/api/v1/runs/${id}/logs`, { token: ownerToken })).body.toString();
  return `${run}\n${logs.slice(-3000)}`;
}

beforeAll(async () => {
  const [tofu] = await Promise.all([tofuBinary(), ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  work = await mkdtemp(join(tmpdir(), 'strata-web-runs-'));
  platform = await startPlatform({ tls: true, env: { STRATA_TOFU_BIN: tofu } });
  const call = clientFor(platform);
  const owner = await createUser(call, 'olga@runs-web.test', 'Olga Owner');
  adam = await createUser(call, 'adam@runs-web.test', 'Adam Admin');
  rob = await createUser(call, 'rob@runs-web.test', 'Rob Reader');
  ownerToken = await userToken(call, await signIn(call, owner.email, owner.password));
  await createOrg(call, ownerToken, ORG);
  await addMember(call, ownerToken, ORG, adam.email, 'admin');
  await addMember(call, ownerToken, ORG, rob.email, 'reader');
  browser = await launchChromium();
}, 600_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the runs dashboard', () => {
  it('creates a production workspace, applies a configuration after an approval given in the page, and shows its outputs', async () => {
    const page = await newPage();
    await signInPage(page, adam, `/orgs/${ORG}/workspaces`);
    await expect.poll(() => page.getByText(`${ORG} has no workspaces yet.`).count(), WAIT).toBe(1);

    // Create the workspace.
    await page.getByLabel('Name', { exact: true }).fill('network-prod');
    await page.getByLabel('Environment', { exact: true }).selectOption('production');
    await page.getByLabel('Tags', { exact: true }).fill('team=network, owner=adam');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.waitForURL(`**/orgs/${ORG}/workspaces/network-prod`);
    await expect.poll(() => page.locator('.ws-name').textContent(), WAIT).toBe('network-prod');

    // Variables: one plain, one sensitive (write-only: shown as "••• set" once stored).
    const vars = page.getByRole('form', { name: 'Variables' });
    await vars.getByRole('button', { name: 'Add variable' }).click();
    await vars.getByLabel('Variable key').fill('greeting');
    await vars.getByLabel('Value of greeting').fill('hello from the dashboard');
    await vars.getByRole('button', { name: 'Add variable' }).click();
    await vars.getByLabel('Variable key').nth(1).fill('secret');
    await vars.getByLabel('secret is sensitive').check();
    await vars.getByLabel('Value of secret').fill(SECRET);
    await vars.getByRole('button', { name: 'Save variables' }).click();
    await expect.poll(() => vars.getByRole('status').textContent(), WAIT).toBe('Saved.');
    await expect.poll(() => vars.locator('tr[data-variable="secret"] [data-sensitive]').textContent(), WAIT).toBe('••• set');
    await page.reload();
    await expect.poll(() => page.locator('tr[data-variable="secret"] [data-sensitive]').textContent(), WAIT).toBe('••• set');
    expect(await page.content()).not.toContain(SECRET);

    // Upload the configuration as a tar.gz through the file input.
    const archive = join(work, 'configuration.tar.gz');
    await writeTarGz(archive, [{ name: 'main.tf', content: MAIN_TF }]);
    await page.getByLabel('Configuration (.tar.gz of the root module)').setInputFiles({ name: 'configuration.tar.gz', mimeType: 'application/gzip', buffer: await readFile(archive) });
    await page.getByRole('button', { name: 'Upload configuration' }).click();
    await expect.poll(() => page.getByTestId('configuration-uploaded').count(), WAIT).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'runs-workspace.png'), fullPage: true });

    // Start an apply: the run page follows it live.
    await page.getByRole('button', { name: 'Start apply' }).click();
    await page.waitForURL('**/runs/*');
    const runId = page.url().split('/runs/')[1]!;
    const status = page.getByTestId('run-status').locator('[data-run-status]');
    await expect
      .poll(() => status.getAttribute('data-run-status'), { timeout: 180_000, message: 'the run should wait for approval' })
      .toMatch(/awaiting_approval|errored/);
    if ((await status.getAttribute('data-run-status')) === 'errored') throw new Error(`the run errored:\n${await runReport(runId)}`);
    await expect.poll(() => page.getByTestId('plan-summary').textContent(), WAIT).toMatch(/\+1 to add\s*~0 to change\s*-0 to destroy/);
    expect(await page.locator('[data-change="create"]').textContent()).toContain('terraform_data.thing');
    // The plan's log arrived over the live stream.
    await expect.poll(() => page.getByTestId('run-log').textContent(), WAIT).toContain('terraform_data.thing');
    expect(await page.locator('[data-testid="run-log"] [data-phase="plan"]').count()).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Approve and apply' }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'runs-awaiting-approval.png'), fullPage: true });

    // A reader sees the run waiting, in the queue too, and no way to approve it.
    const reader = await newPage();
    await signInPage(reader, rob, `/orgs/${ORG}/runs`);
    await expect.poll(() => reader.locator(`tr[data-run="${runId}"] [data-run-status]`).textContent(), WAIT).toBe('awaiting approval');
    await reader.locator(`tr[data-run="${runId}"] a`).first().click();
    await reader.waitForURL(`**/runs/${runId}`);
    await expect.poll(() => reader.getByTestId('awaiting-approver').count(), WAIT).toBe(1);
    expect(await reader.getByRole('button', { name: 'Approve and apply' }).count()).toBe(0);
    expect(await reader.getByRole('button', { name: 'Discard' }).count()).toBe(0);
    await reader.screenshot({ path: join(SHOTS, 'runs-reader-no-approve.png'), fullPage: true });

    // The admin approves with a comment; the page follows the apply to the end.
    await page.getByLabel('Comment', { exact: true }).fill('looks right');
    await page.getByRole('button', { name: 'Approve and apply' }).click();
    await expect
      .poll(() => status.getAttribute('data-run-status'), { timeout: 180_000, message: 'the run should be applied' })
      .toMatch(/^(applied|errored)$/);
    if ((await status.getAttribute('data-run-status')) === 'errored') throw new Error(`the run errored after approval:\n${await runReport(runId)}`);
    await expect.poll(() => page.locator('tr[data-output="greeting"] td').textContent(), WAIT).toBe('hello from the dashboard');
    expect(await page.locator('tr[data-output="secret_out"] td').textContent()).toBe('sensitive');
    expect(await page.locator('.approvals').textContent()).toContain('looks right');
    expect(await page.getByRole('button', { name: 'Approve and apply' }).count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="run-log"] [data-phase="apply"]').count(), WAIT).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(SECRET);
    await page.screenshot({ path: join(SHOTS, 'runs-applied.png'), fullPage: true });

    // The log search: apply-phase lines naming the resource, from the server.
    await page.getByLabel('Search text', { exact: true }).fill('terraform_data.thing');
    await page.getByLabel('Phase', { exact: true }).selectOption('apply');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /matching line/ }).textContent(), WAIT).toMatch(/[1-9]\d* matching lines?/);
    const phases = await page.locator('[data-testid="run-log"] [data-phase]').evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    expect(new Set(phases)).toEqual(new Set(['apply']));
    await page.getByRole('button', { name: 'Back to the live log' }).click();
    await expect.poll(() => page.locator('[data-testid="run-log"] [data-phase="plan"]').count(), WAIT).toBeGreaterThan(0);

    // Back on the workspaces list: the latest run is applied, the queue is empty.
    await page.goto(`/orgs/${ORG}/workspaces`);
    await expect.poll(() => page.locator('tr[data-workspace="network-prod"] [data-run-status]').textContent(), WAIT).toBe('applied');
    await page.goto(`/orgs/${ORG}/runs`);
    await expect.poll(() => page.getByText(`No runs in progress in ${ORG}.`).count(), WAIT).toBe(1);
  });

  it('shows a reader the workspace without the admin forms or a sensitive value', async () => {
    const page = await newPage();
    await signInPage(page, rob, `/orgs/${ORG}/workspaces/network-prod`);
    await expect.poll(() => page.locator('.ws-name').textContent(), WAIT).toBe('network-prod');
    await expect.poll(() => page.locator('tr[data-variable="secret"] [data-sensitive]').textContent(), WAIT).toBe('••• set');
    expect(await page.getByRole('button', { name: 'Start apply' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save variables' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Workspace settings' }).count()).toBe(0);
    expect(await page.locator('tr[data-run] [data-run-status]').first().textContent()).toBe('applied');
    expect(await page.content()).not.toContain(SECRET);
    await page.screenshot({ path: join(SHOTS, 'runs-workspace-reader.png'), fullPage: true });
  });

  it('lists the state versions, compares two and restores an earlier one (admins only)', async () => {
    // A second apply through the API changes the resource: a second state version.
    const call = clientFor(platform);
    const json = { 'content-type': 'application/json' };
    const ws = `/api/v1/orgs/${ORG}/workspaces/network-prod`;
    const vars = [
      { key: 'greeting', value: 'hello again', category: 'terraform' },
      { key: 'secret', category: 'terraform', sensitive: true },
    ];
    expect((await call(`${ws}/variables`, { method: 'PUT', token: ownerToken, headers: json, body: JSON.stringify(vars) })).status).toBe(200);
    const started = await call(`${ws}/runs`, { method: 'POST', token: ownerToken, headers: json, body: JSON.stringify({ operation: 'apply' }) });
    expect(started.status).toBe(202);
    const runId = started.json().id as string;
    const waitFor = async (wanted: string) => {
      await expect
        .poll(async () => (await call(`/api/v1/runs/${runId}`, { token: ownerToken })).json().status, { timeout: 180_000, interval: 500 })
        .toMatch(new RegExp(`^(${wanted}|errored)$`));
      const status = (await call(`/api/v1/runs/${runId}`, { token: ownerToken })).json().status;
      if (status === 'errored') throw new Error(`the second run errored:\n${await runReport(runId)}`);
    };
    await waitFor('awaiting_approval');
    expect((await call(`/api/v1/runs/${runId}/approve`, { method: 'POST', token: ownerToken, headers: json, body: '{}' })).status).toBe(202);
    await waitFor('applied');

    const page = await newPage();
    await signInPage(page, adam, `/orgs/${ORG}/workspaces/network-prod`);
    const rows = page.locator('tr[data-state-version]');
    await expect.poll(() => rows.count(), WAIT).toBe(2);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-state-version')))).toEqual(['2', '1']);
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => page.getByTestId('state-diff').textContent(), WAIT).toContain('terraform_data.thing');
    expect(await page.getByTestId('state-diff').textContent()).toContain('Serial 1 → 2');
    expect(await page.getByTestId('state-diff').textContent()).toContain('output.greeting');
    await page.screenshot({ path: join(SHOTS, 'runs-state-diff.png'), fullPage: true });

    await page.locator('tr[data-state-version="1"]').getByRole('button', { name: 'Restore…' }).click();
    await page.locator('tr[data-state-version="1"]').getByRole('button', { name: 'Restore now' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'restored' }).textContent(), WAIT).toBe('Serial 1 restored as serial 3.');
    await expect.poll(() => rows.count(), WAIT).toBe(3);
    expect(await page.locator('tr[data-state-version="3"]').textContent()).toContain('rollback');
    await page.screenshot({ path: join(SHOTS, 'runs-state-restored.png'), fullPage: true });

    const reader = await newPage();
    await signInPage(reader, rob, `/orgs/${ORG}/workspaces/network-prod`);
    await expect.poll(() => reader.locator('tr[data-state-version]').count(), WAIT).toBe(3);
    expect(await reader.getByRole('button', { name: 'Restore…' }).count()).toBe(0);
  });
});
