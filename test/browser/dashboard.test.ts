import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { generateTestSigningKey, providerBinaries, TEST_PROVIDER, writeProviderRelease } from '../fixtures/provider-release';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { ensureChromium, launchChromium } from './chromium';
import { hostileReadmeArchive, networkModuleArchive, PWNED_MARKERS } from './fixtures';

// The dashboard in real headless Chromium against the real platform (PostgreSQL, Temporal, worker, API
// serving the built UI). Screenshots of the main pages go to .artifacts/screenshots/ for people to look at.
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let browser: Browser;
let context: BrowserContext;
let work: string;
/** Uncaught errors in any page: a test fails if its pages threw, even when what it checked looked fine. */
const pageErrors: string[] = [];

const gz = { 'content-type': 'application/gzip' };

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** A page whose API token is already pasted (as a returning operator has it): the advanced sign-in path. */
async function signedInPage(): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript((token) => localStorage.setItem('strata.token', token), platform.token);
  return page;
}

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-browser-'));
  for (const [path, body] of [
    ['acme/network/aws/1.0.0', await networkModuleArchive(work, '1.0.0')],
    ['acme/network/aws/1.1.0', await networkModuleArchive(work, '1.1.0')],
    ['mallory/readme/aws/1.0.0', await hostileReadmeArchive(work)],
  ] as const) {
    const r = await call(`/api/v1/modules/${path}?wait=true`, { method: 'POST', body, headers: gz });
    expect(r.status, r.body.toString()).toBe(201);
  }
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
});

afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('search', () => {
  it('finds a published module, and says what to do when nothing matches', async () => {
    const page = await context.newPage();
    await page.goto('/');
    await page.getByLabel('Search modules and providers').fill('public and private');
    const result = page.getByRole('link', { name: 'acme/network/aws' });
    await expect.poll(() => result.count()).toBe(1);
    await expect.poll(() => page.getByRole('link', { name: 'mallory/readme/aws' }).count()).toBe(0);
    expect(page.url()).toContain('q=public+and+private');
    await result.click();
    await page.waitForURL('**/modules/acme/network/aws');
    await page.goBack();
    expect(await page.getByLabel('Search modules and providers').inputValue()).toBe('public and private');
    await expect.poll(() => page.locator('.results li').count()).toBe(1);
    await page.getByLabel('Search modules and providers').fill('');
    await page.getByLabel('Sort by').selectOption('name');
    await expect.poll(() => page.locator('.results h2').allTextContents()).toEqual(['acme/network/aws', 'mallory/readme/aws']);
    await shot(page, 'home-search');

    await page.getByLabel('Search modules and providers').fill('no-such-thing-anywhere');
    await expect.poll(() => page.getByText('Nothing matches “no-such-thing-anywhere”.').count()).toBe(1);
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await expect.poll(() => page.locator('.results li').count()).toBe(2);
    await page.close();
  });
});

describe('module page', () => {
  it('shows the README, the inputs and a usage snippet for this registry, and survives a reload', async () => {
    // Two weeks of daily counters, as the protocol fast path would have flushed them.
    const versions = await platform.db('module_versions').select('id', 'version').whereIn('workflow_id', ['module-publish:acme/network/aws/1.0.0', 'module-publish:acme/network/aws/1.1.0']);
    const counts = [3, 0, 5, 8, 2, 0, 0, 12, 7, 4, 9, 15, 6, 11];
    await platform.db('download_counts').insert(
      versions.flatMap((v: { id: string }, n: number) =>
        counts.map((count, i) => ({ kind: 'module', version_id: v.id, day: platform.db.raw(`current_date - ${counts.length - 1 - i}`), count: count * (n + 1) })),
      ),
    );
    for (const [n, v] of versions.entries()) await platform.db('module_versions').where({ id: v.id }).update({ downloads: 82 * (n + 1) });
    await platform.db('modules').where({ namespace: 'acme', name: 'network' }).update({ downloads: 246 });
    const page = await context.newPage();
    await page.goto('/?q=network');
    await page.getByRole('link', { name: 'acme/network/aws' }).click();
    await page.waitForURL('**/modules/acme/network/aws');
    const check = async () => {
      await expect.poll(() => page.locator('.readme h1').textContent()).toBe('Network module');
      expect(await page.locator('.readme').textContent()).toContain('Version 1.1.0.');
      const inputs = page.locator('table.inputs tbody tr');
      expect(await inputs.count()).toBe(3);
      const cidr = page.locator('table.inputs tr', { has: page.locator('th', { hasText: /^cidr$/ }) });
      expect(await cidr.textContent()).toContain('Address range of the VPC');
      expect(await cidr.locator('.badge').textContent()).toBe('required');
      const snippet = await page.locator('figure.code pre').first().textContent();
      expect(snippet).toContain(`source  = "${new URL(platform.url).host}/acme/network/aws"`);
      expect(snippet).toContain('version = "~> 1.1"');
      expect(snippet).toContain('cidr = ""');
      expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('1.1.0');
    };
    await check();
    await expect.poll(() => page.locator('table.versions tbody tr').count()).toBe(2);
    await expect.poll(() => page.locator('.chart figcaption').textContent()).toMatch(/^246 downloads between .*; busiest day \d{4}-\d\d-\d\d with 45\.$/);
    expect(await page.locator('.chart rect').count()).toBe(90);
    await shot(page, 'module');
    await page.reload();
    await check();

    await page.getByLabel('Version', { exact: true }).selectOption('1.0.0');
    await page.waitForURL('**/modules/acme/network/aws/1.0.0');
    await expect.poll(() => page.locator('.readme').textContent()).toContain('Version 1.0.0.');

    await page.getByRole('link', { name: 'subnets' }).click();
    await page.waitForURL('**/modules/acme/network/aws/1.0.0/modules/subnets');
    await expect.poll(() => page.locator('.readme h1').textContent()).toBe('Subnets');
    expect(await page.locator('table.inputs tbody th').allTextContents()).toEqual(['vpc_id']);
    expect(await page.locator('figure.code pre').first().textContent()).toContain('/acme/network/aws//modules/subnets"');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/modules/acme/network/aws');
    await expect.poll(() => page.locator('.readme h1').textContent()).toBe('Network module');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'module-phone');
    await page.close();
  });

  it('renders a hostile README without running any of it', async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto('/modules/mallory/readme/aws');
    await expect.poll(() => page.locator('.readme h1').textContent()).toBe('Totally harmless module');
    await page.getByText('click me').click();
    for (const name of ['a link', 'another']) await page.locator('.readme').getByText(name, { exact: true }).click();
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(await page.evaluate((markers) => markers.filter((m) => m in window), PWNED_MARKERS)).toEqual([]);
    // The sanitiser removed it all (the page's CSP would also block inline script, but must not be needed).
    const left = await page.locator('.readme').evaluate((el) => ({
      scripts: el.querySelectorAll('script, iframe, form, input, style').length,
      handlers: Array.from(el.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((a: string) => a.startsWith('on') || a === 'style')),
      jsLinks: Array.from(el.querySelectorAll('[href], [src]')).filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? '')).length,
      clobbered: typeof document.getElementById,
    }));
    expect(left).toEqual({ scripts: 0, handlers: [], jsLinks: 0, clobbered: 'function' });
    expect(await page.locator('.readme').textContent()).toContain('The end');
    await page.close();
  });
});

describe('a module with 1,000 versions', () => {
  it('renders its page promptly and lists every version on demand', async () => {
    // Written straight to the catalogue: a thousand publish workflows would take minutes and test nothing more.
    const source = await platform.db('module_versions').orderBy('id').first();
    const [{ id: moduleId }] = await platform.db('modules').insert({ namespace: 'acme', name: 'big', system: 'aws', description: 'Many versions' }).returning('id');
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      module_id: moduleId,
      version: `${Math.floor(i / 100)}.${Math.floor(i / 10) % 10}.${i % 10}`,
      blob_key: `big/${i}`,
      format: 'tar.gz',
      sha256: source.sha256,
      size: 1000 + i,
      analysis: JSON.stringify(source.analysis),
      workflow_id: `module-publish:acme/big/aws/${i}`,
      published_at: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
    }));
    await platform.db.batchInsert('module_versions', rows, 250);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto('/modules/acme/big/aws');
    await expect.poll(() => page.getByLabel('Version', { exact: true }).inputValue()).toBe('9.9.9');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5000);
    expect(await page.locator('#version-picker option').count()).toBe(1000);
    expect(await page.locator('table.versions tbody tr').count()).toBe(25);
    await page.getByRole('button', { name: 'Show all 1,000' }).click();
    await expect.poll(() => page.locator('table.versions tbody tr').count()).toBe(1000);
    await page.close();
  });
});

describe('errors', () => {
  it('shows API errors and unknown pages in words, never a blank page', async () => {
    const page = await context.newPage();
    await page.goto('/modules/acme/nope/aws');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('module acme/nope/aws not found');
    await page.goto('/modules/acme/network/aws/9.9.9');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('version 9.9.9 of this module does not exist');
    await page.goto('/activity');
    await expect.poll(() => page.getByText('Sign in to see the activity feed.').count()).toBe(1);
    expect(await page.locator('main').getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/login?returnTo=%2Factivity');
    await page.goto('/no/such/page');
    await expect.poll(() => page.locator('h1').textContent()).toBe('There is no page here');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/');
    await expect.poll(() => page.locator('.results li').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'home-phone');
    await page.close();
  });
});

describe('keyboard', () => {
  it('reaches the skip link first and the search box right after the navigation', async () => {
    const page = await context.newPage();
    await page.goto('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search-q');
    await page.keyboard.type('network');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('link', { name: 'acme/network/aws' }).count()).toBe(1);
    await page.close();
  });
});

describe('publish', () => {
  it('uploads a module archive dropped on the page and follows the workflow live until completed', async () => {
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname + new URL(r.url()).search));
    // The operator's path: the bootstrap token pasted under the sign-in page's advanced option.
    await page.goto('/login?returnTo=%2Fpublish');
    await page.getByText('Advanced: use an API token').click();
    await page.getByLabel('API token').fill(platform.token);
    await page.getByRole('button', { name: 'Use this token' }).click();
    await page.waitForURL('**/publish');
    const archive = await networkModuleArchive(work, '3.0.0', 'terraform-aws-edge-3.0.0.tar.gz');
    // Held back until the page shows the running workflow: progress must then arrive over the event stream.
    await platform.stopWorker();
    await page.locator('#module-archive').setInputFiles({ name: 'terraform-aws-edge-3.0.0.tar.gz', mimeType: 'application/gzip', buffer: archive });
    await page.getByLabel('Namespace').fill('acme');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('edge');
    expect(await page.getByLabel('Provider (system)').inputValue()).toBe('aws');
    expect(await page.getByLabel('Version', { exact: true }).inputValue()).toBe('3.0.0');
    await page.getByRole('button', { name: 'Publish module' }).click();
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status')).toBe('running');
    await expect.poll(() => requests.some((r) => r.includes('/events?token='))).toBe(true);
    await shot(page, 'publish-running');
    await platform.startWorker();
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    expect(await page.locator('.steps li').evaluateAll((items) => items.map((li) => li.className.split(' ')[0]))).toEqual([
      'completed',
      'completed',
    ]);
    // Live through Server-Sent Events, not by polling the status route.
    expect(requests.filter((r) => r.startsWith('/api/v1/workflows/module-publish')).filter((r) => !r.includes('/events'))).toEqual([]);
    await shot(page, 'publish-completed');
    await page.getByRole('link', { name: 'acme/edge/aws 3.0.0' }).click();
    await expect.poll(() => page.locator('.head h1').textContent()).toContain('acme/edge');
    await page.close();
  });

  it('publishes a provider release and shows its platforms, protocols, keys and snippets', async () => {
    const key = await generateTestSigningKey();
    const added = await call('/api/v1/namespaces/acme/gpg-keys', { method: 'POST', body: JSON.stringify({ asciiArmor: key.publicArmored }), headers: { 'content-type': 'application/json' } });
    expect(added.status).toBe(201);
    const dir = join(work, 'provider');
    const release = await writeProviderRelease({ dir, type: TEST_PROVIDER.type, version: '1.2.0', binaries: await providerBinaries(), key });
    const page = await signedInPage();
    await page.goto('/publish?kind=provider');
    // The real provider's zips are ~12 MB, sent to the browser as base64 over CDP: slow on a busy machine.
    await page.locator('#provider-files').setInputFiles(
      await Promise.all(release.files.map(async (f) => ({ name: basename(f), mimeType: 'application/octet-stream', buffer: await readFile(f) }))),
      { timeout: 90_000 },
    );
    await expect.poll(() => page.getByText(`Release ${TEST_PROVIDER.type} 1.2.0.`).count()).toBe(1);
    await page.getByLabel('Namespace').fill('acme');
    await page.getByRole('button', { name: 'Publish provider' }).click();
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    await page.getByRole('link', { name: `acme/${TEST_PROVIDER.type} 1.2.0` }).click();
    await expect.poll(() => page.locator('table.matrix tbody tr').count()).toBe(2);
    const text = await page.locator('main').textContent();
    expect(text).toContain(key.keyId);
    expect(text).toContain('5.0');
    const snippets = await page.locator('figure.code pre').allTextContents();
    expect(snippets[0]).toContain(`source  = "${new URL(platform.url).host}/acme/${TEST_PROVIDER.type}"`);
    expect(snippets[1]).toContain('network_mirror');
    await shot(page, 'provider');
    await page.close();
  }, 120_000);
});

describe('activity and workflow detail', () => {
  it('lists workflows, filters them, explains a failure in words and links to the same workflow in the Temporal UI', async () => {
    const bad = await call('/api/v1/modules/acme/broken/aws/1.0.0', {
      method: 'POST',
      headers: gz,
      body: await (async () => {
        const { writeTarGz } = await import('../../core/registry/archive/test-archives');
        const file = join(work, 'broken.tar.gz');
        await writeTarGz(file, [{ name: 'main.tf', content: 'variable "x" {\n  type = string\n' }]);
        return readFile(file);
      })(),
    });
    expect(bad.status).toBe(202);
    const workflowId = 'module-publish:acme/broken/aws/1.0.0';
    const handle = platform.temporal.workflow.getHandle(workflowId);
    await handle.result().catch(() => undefined);
    const { runId } = await handle.describe();

    const page = await signedInPage();
    await page.goto('/activity');
    await expect.poll(() => page.locator('table.activity tbody tr').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    await shot(page, 'activity');
    await page.getByLabel('Status').selectOption('failed');
    await expect.poll(() => page.locator('table.activity tbody th').allTextContents(), { timeout: 15_000 }).toEqual(['acme/broken/aws 1.0.0']);
    await page.getByRole('link', { name: 'acme/broken/aws 1.0.0' }).click();
    await page.waitForURL('**/activity/module-publish%3Aacme/broken/aws/1.0.0');
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status')).toBe('failed');
    const alert = await page.locator('.live .alert').textContent();
    expect(alert).toContain('does not parse');
    const link = page.getByRole('link', { name: /Temporal UI/ });
    expect(await link.getAttribute('href')).toBe(
      `${platform.config.temporal.uiUrl}/namespaces/${encodeURIComponent(platform.config.temporal.namespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`,
    );
    await shot(page, 'workflow-failed');
    await page.reload();
    await expect.poll(() => page.locator('.live [data-status]').first().getAttribute('data-status')).toBe('failed');
    await page.close();
  });
});

describe('tokens', () => {
  it('creates a token shown once, lists it and revokes it', async () => {
    const page = await signedInPage();
    await page.goto('/tokens');
    await page.getByLabel('New token name').fill('ci-network');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.locator('.created pre').textContent())!.trim();
    expect(secret).toMatch(/^strata_/);
    const row = page.locator('table.tokens tr', { has: page.locator('th', { hasText: 'ci-network' }) });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('never');
    expect((await call('/api/v1/tokens', { token: secret })).status).toBe(200);
    await shot(page, 'tokens');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    expect(await page.locator('.created').count()).toBe(0);
    await row.getByRole('button', { name: 'Revoke ci-network' }).click();
    await row.getByRole('button', { name: 'Revoke “ci-network” now' }).click();
    await expect.poll(() => row.locator('.badge', { hasText: 'revoked' }).count()).toBe(1);
    expect((await call('/api/v1/tokens', { token: secret })).status).toBe(401);
    await page.close();
  });
});
