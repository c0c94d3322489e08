import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { startPlatform, type Platform } from '../harness/platform';
import { moduleFiles } from '../vcs/helpers';
import { GitHubStandIn } from '../vcs/stand-ins/github';
import { ensureChromium, launchChromium } from './chromium';

// Publishing from repository tags through the dashboard, in real headless Chromium against the real platform and
// the GitHub stand-in: add a connection, link a module with the wizard (the webhook cannot be installed, so the
// page hands out URL and secret), see the backfilled commit-pinned version, a webhook delivery and a moved tag.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');
const REPO = 'acme/terraform-aws-network';
const MODULE = '/modules/acme/network/aws';

let platform: Platform;
let github: GitHubStandIn;
let browser: Browser;
let context: BrowserContext;
const pageErrors: string[] = [];
/** Commits of the stand-in repository: the one v1.0.0 was published from, and the one it is moved to later. */
let first: string;
/** What the wizard showed: the user pastes these into GitHub by hand. */
let pasted: { url: string; secret: string } | null = null;

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? true });
}

async function signedInPage(): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((token) => localStorage.setItem('strata.token', token), platform.token);
  return page;
}

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({ env: { STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true' } });
  github = await new GitHubStandIn().start();
  // A token without the right to manage hooks: the wizard must hand out the URL and secret instead.
  github.allowHooks = false;
  first = github.git.commit(REPO, moduleFiles('v1.0.0 first'));
  github.git.setTag(REPO, 'v1.0.0', first);
  github.git.setTag(REPO, 'nightly', first);
  github.git.repository('acme/other');
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
}, 600_000);

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await github?.close();
  await platform?.close();
});

describe('publishing from a repository in the dashboard', () => {
  it('adds a connection: a refused token shows why, a good one shows who it signs in as', async () => {
    const page = await signedInPage();
    await page.goto('/connections');
    await page.getByRole('link', { name: 'Connections' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Connections', exact: true }).getAttribute('aria-current')).toBe('page');

    await page.getByLabel('Provider').selectOption('github');
    await page.getByLabel('Name').fill('Wrong token');
    await page.getByLabel('Base URL (optional)').fill(github.url);
    await page.getByLabel('Access token').fill('ghp_not_a_token');
    await page.getByRole('button', { name: 'Save and check' }).click();
    const wrong = page.locator('li.card', { has: page.getByRole('heading', { name: 'Wrong token' }) });
    await expect.poll(() => wrong.locator('.badge').textContent()).toBe('invalid');
    expect(await wrong.textContent()).toMatch(/Problem.*rejected the credentials/);
    expect(await page.getByRole('status').textContent()).toContain('refused it');
    await shot(page, 'vcs-connections-invalid');
    await page.getByRole('button', { name: 'Remove Wrong token' }).click();
    await page.getByRole('button', { name: 'Remove “Wrong token” now' }).click();
    await expect.poll(() => wrong.count()).toBe(0);

    await page.getByLabel('Name').fill('GitHub stand-in');
    await page.getByLabel('Base URL (optional)').fill(github.url);
    await page.getByLabel('Access token').fill('ghp_validtoken');
    await page.getByLabel('Access token').press('Enter');
    const good = page.locator('li.card', { has: page.getByRole('heading', { name: 'GitHub stand-in' }) });
    await expect.poll(() => good.locator('.badge').textContent()).toBe('valid');
    expect(await good.textContent()).toContain('octocat');
    expect(await good.textContent()).toContain('just now');
    expect(await page.getByRole('status').textContent()).toContain('Signed in to GitHub as octocat');
    // The token is never shown again, not even in the form.
    expect(await page.content()).not.toContain('ghp_validtoken');
    const again = good.getByRole('button', { name: 'Check GitHub stand-in again' });
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/validate') && r.status() === 200), again.click()]);
    await expect.poll(() => again.textContent()).toBe('Check again');
    expect(await good.locator('.badge').textContent()).toBe('valid');
    await shot(page, 'vcs-connections');
    await page.close();
  });

  it('links a module through the wizard, previews tags, hands out the webhook secret and backfills', async () => {
    const page = await signedInPage();
    await page.goto('/publish');
    await page.getByRole('link', { name: 'From a repository' }).click();
    await page.waitForURL('**/publish/repository');
    // The only working connection is chosen already.
    await expect.poll(() => page.getByLabel('Connection').inputValue()).not.toBe('');
    await expect.poll(() => page.locator('#w-repo-hint').textContent()).toContain('2 repositories found');
    await page.getByLabel('Repository').fill(REPO);
    expect(await page.getByLabel('Tag pattern').inputValue()).toBe('v?X.Y.Z');
    await page.getByRole('button', { name: 'Preview tags' }).click();
    const rows = page.locator('table.tags tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).locator('th').textContent()).toBe('v1.0.0');
    expect(await rows.nth(0).locator('td').nth(0).textContent()).toBe(first.slice(0, 12));
    expect(await rows.nth(0).locator('td').nth(0).getAttribute('title')).toBe(first);
    expect(await rows.nth(0).locator('td').nth(1).textContent()).toBe('1.0.0');
    expect(await rows.nth(1).textContent()).toContain('ignored');
    expect(await page.locator('.preview').textContent()).toContain('1 release tag will be published; 1 tag does not match');

    // A stricter pattern previews differently.
    await page.getByLabel('Tag pattern').fill('release-X.Y.Z');
    await expect.poll(() => page.locator('#preview-h').textContent()).toContain('preview again');
    await page.getByRole('button', { name: 'Preview tags' }).click();
    await expect.poll(() => page.locator('.preview').textContent()).toContain('0 release tags will be published');
    await page.getByLabel('Tag pattern').fill('v?X.Y.Z');
    await page.getByRole('button', { name: 'Preview tags' }).click();
    await expect.poll(() => page.locator('.preview').textContent()).toContain('1 release tag will be published');

    // The address follows the terraform-<system>-<name> convention; a bad edit is explained.
    expect([await page.getByLabel('Namespace').inputValue(), await page.getByLabel('Name', { exact: true }).inputValue(), await page.getByLabel('Provider (system)').inputValue()]).toEqual(['acme', 'network', 'aws']);
    await page.getByLabel('Provider (system)').fill('AWS');
    expect(await page.locator('#w-system-hint').textContent()).toContain('lowercase');
    expect(await page.getByRole('button', { name: 'Link and publish' }).isDisabled()).toBe(true);
    await page.getByLabel('Provider (system)').fill('aws');
    await shot(page, 'vcs-wizard-preview');

    await page.getByRole('button', { name: 'Link and publish' }).click();
    await page.getByRole('heading', { name: `Linked acme/network/aws to ${REPO}` }).waitFor();
    // The hook could not be created: the page says so and shows what to paste, with copy buttons.
    await expect.poll(() => page.locator('.webhook').textContent(), { timeout: 30_000 }).toContain('could not install the webhook');
    expect(await page.locator('.webhook ol li').first().textContent()).toContain(`${REPO} → Settings → Webhooks`);
    const codeOf = (label: string) => page.locator('figure.code', { hasText: label }).locator('pre').textContent();
    pasted = { url: (await codeOf('Webhook URL'))!, secret: (await codeOf('Webhook secret'))! };
    expect(pasted.url).toMatch(new RegExp(`^${platform.url}/webhooks/github/[0-9a-f-]{36}$`));
    expect(pasted.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByRole('button', { name: 'Copy Webhook secret' }).count()).toBe(1);
    // The backfill is followed live until the existing release tag is published.
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status'), { timeout: 90_000 }).toBe('completed');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Checked' }).textContent()).toBe('Checked 1 release tag: 1 published.');
    await shot(page, 'vcs-wizard-linked');

    await page.getByRole('link', { name: 'Go to the module' }).click();
    await page.waitForURL(`**${MODULE}`);
    const row = page.locator('table.versions tbody tr', { has: page.getByRole('link', { name: '1.0.0' }) });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByRole('img', { name: 'pinned to a commit' }).count()).toBe(1);
    expect(await row.locator('svg.lock title').textContent()).toBe(`Published from ${github.url}/${REPO} at commit ${first}`);
    expect(await row.locator('td.commit').textContent()).toBe(first.slice(0, 10));
    expect(await row.locator('td.commit').getAttribute('title')).toBe(first);
    expect(await page.locator('.facts').textContent()).toContain(first);
    await shot(page, 'vcs-module-pinned');
    await page.close();
  }, 180_000);

  it('shows the deliveries of the webhook the user pasted, and a moved tag found by "Sync now"', async () => {
    expect(pasted).not.toBeNull();
    // The user pastes URL and secret into GitHub: from now on the stand-in signs its deliveries with that secret.
    github.hooks.push({ id: 1, repository: REPO, url: pasted!.url, secret: pasted!.secret, events: ['push'] });
    const second = github.git.commit(REPO, moduleFiles('v1.1.0 second'));
    const [sent] = await github.pushTag(REPO, 'v1.1.0', second);
    expect(sent!.status, sent!.response).toBe(202);

    const page = await signedInPage();
    await page.goto(MODULE);
    await page.getByRole('link', { name: 'Repository' }).click();
    await page.waitForURL(`**${MODULE}?tab=vcs`);
    const facts = page.locator('.vcs dl.facts');
    await expect.poll(() => facts.textContent()).toContain(REPO);
    expect(await facts.textContent()).toContain('v?X.Y.Z');
    expect(await facts.locator('[data-status]').textContent()).toBe('set up by hand');
    const delivery = page.locator('table.deliveries tbody tr', { hasText: 'v1.1.0' });
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return delivery.locator('[data-result]').getAttribute('data-result').catch(() => null);
      }, { timeout: 90_000, interval: 1000 })
      .toBe('published');
    expect(await delivery.textContent()).toContain('push');
    await shot(page, 'vcs-module-deliveries');

    // Someone force-moves v1.0.0; no webhook announces it. "Sync now" notices.
    const moved = github.git.commit(REPO, moduleFiles('v1.0.0 REWRITTEN'));
    github.git.setTag(REPO, 'v1.0.0', moved);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const alert = page.locator('.violations');
    await expect.poll(() => alert.count(), { timeout: 90_000 }).toBe(1);
    const text = (await alert.textContent())!;
    expect(text).toContain('A release tag was moved');
    expect(text).toContain('v1.0.0');
    expect(text).toContain(first.slice(0, 12));
    expect(text).toContain(moved.slice(0, 12));
    expect(text).toContain('Found by a manual sync');
    expect(await page.getByRole('status').filter({ hasText: 'Checked' }).textContent()).toContain('Checked 2 release tags: 1 tag moved since publishing (nothing republished).');
    await expect.poll(() => page.getByRole('link', { name: /Repository/ }).locator('.badge').textContent()).toBe('⚠ 1');
    // The versions on the page now include 1.1.0, both pinned; 1.0.0 kept its first commit.
    const pinned = page.locator('table.versions tbody tr', { has: page.getByRole('img', { name: 'pinned to a commit' }) });
    await expect.poll(() => pinned.count()).toBe(2);
    expect(await page.locator('table.versions tbody tr', { hasText: /^\s*1\.0\.0/ }).locator('td.commit').getAttribute('title')).toBe(first);
    await shot(page, 'vcs-module-violation');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'vcs-module-phone');
    await page.getByRole('link', { name: 'Overview' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'was moved' }).count()).toBe(1);
    await page.close();
  }, 240_000);

  it('on a phone, the wizard and the connections page fit the screen', async () => {
    const page = await signedInPage();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [['/connections', 'vcs-connections-phone'], ['/publish/repository', 'vcs-wizard-phone']] as const) {
      await page.goto(path);
      await page.locator('h1').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, name);
    }
    await page.close();
  });

  it('adds a GitHub App connection: app id, installation id and private key, never shown again', async () => {
    const privateKey = github.registerApp('4242', [77]);
    const page = await signedInPage();
    await page.goto('/connections');
    await page.getByLabel('Provider').selectOption('github');
    await page.getByLabel('Name').fill('GitHub App');
    await page.getByLabel('Base URL (optional)').fill(github.url);
    await page.getByLabel('GitHub App installation').check();
    await page.getByLabel('App ID').fill('4242');
    await page.getByLabel('Installation ID').fill('77');
    await page.getByLabel('Private key (PEM)').fill(privateKey);
    await page.getByRole('button', { name: 'Save and check' }).click();
    const card = page.locator('li.card', { has: page.getByRole('heading', { name: 'GitHub App' }) });
    await expect.poll(() => card.locator('.badge').textContent()).toBe('valid');
    expect(await page.content()).not.toContain('PRIVATE KEY');
    await shot(page, 'vcs-connections-app');
    // Leave the stand-in connection the only one, as the other tests found it.
    await page.getByRole('button', { name: 'Remove GitHub App' }).click();
    await page.getByRole('button', { name: 'Remove “GitHub App” now' }).click();
    await expect.poll(() => card.count()).toBe(0);
    await page.close();
  });
});
