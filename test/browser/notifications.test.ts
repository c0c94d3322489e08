import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueActionToken, registerActionHandler, unregisterActionHandler } from '../../core/notifications/action-links';
import { dispatchNotifications, emitNotification, type EmitInput } from '../../core/notifications/emit';
import { ensureWebBuilt } from '../../web/tools/ensure-built';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { createOrg, createUser, signIn, userToken } from '../identity/session-helpers';
import { ensureChromium, launchChromium } from './chromium';

// The notification bell, the settings page and the action-link confirmation page, in headless Chromium against
// the real platform. Events are raised the way producers raise them (a row, then the notify workflow).
const SHOTS = join(import.meta.dirname, '..', '..', '.artifacts', 'screenshots');

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
let ann: { id: string; email: string; password: string };
let acmeId: string;

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: platform.url });
  context.setDefaultTimeout(10_000);
  context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
  contexts.push(context);
  return context.newPage();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function signInPage(page: Page, returnTo?: string): Promise<void> {
  await page.goto(returnTo ? `/login?returnTo=${encodeURIComponent(returnTo)}` : '/login');
  await page.getByLabel('Email').fill(ann.email);
  await page.getByLabel('Password').fill(ann.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
}

async function raise(input: EmitInput): Promise<void> {
  const { eventId } = await platform.db.transaction((tx) => emitNotification(tx, input));
  await dispatchNotifications({ temporal: platform.temporal, db: platform.db, taskQueue: platform.config.temporal.taskQueue }, [eventId]);
}

const bell = (page: Page) => page.getByRole('button', { name: /^Notifications/ });
const unread = (page: Page) => page.getByTestId('unread-count');

beforeAll(async () => {
  await Promise.all([ensureWebBuilt(), ensureChromium(), mkdir(SHOTS, { recursive: true })]);
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  ann = await createUser(call, 'ann@bell.test', 'Ann Owner');
  const token = await userToken(call, await signIn(call, ann.email, ann.password));
  await createOrg(call, token, 'acme');
  // The browser is a new device: its sign-in alert would race the counts this suite checks.
  const quiet = { preferences: [{ eventType: 'user.new_sign_in', channel: 'in_app', enabled: false }, { eventType: 'token.created', channel: 'in_app', enabled: false }] };
  expect((await call('/api/v1/me/notification-preferences', { method: 'PUT', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(quiet) })).status).toBe(200);
  await call('/api/v1/me/notifications/read-all', { method: 'POST', token });
  acmeId = ((await platform.db('organizations').where({ name: 'acme' }).first('id')) as { id: string }).id;
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

describe('the notification bell', () => {
  it('shows new notifications live, lists them, and marks them read, all read or deletes them', async () => {
    const page = await newPage();
    await signInPage(page);
    await expect.poll(() => bell(page).count()).toBe(1);
    expect(await unread(page).count()).toBe(0);

    await raise({ type: 'vcs.tag_moved', orgId: acmeId, subject: 'Tag v1.0.0 of acme/net/aws moved', link: '/modules/acme/net/aws' });
    // Live: no reload, no click.
    await expect.poll(() => unread(page).textContent(), { timeout: 20_000 }).toBe('1');
    await raise({ type: 'run.errored', orgId: acmeId, subject: 'Run 7 of prod failed' });
    await expect.poll(() => unread(page).textContent(), { timeout: 20_000 }).toBe('2');
    await shot(page, 'notifications-bell-unread');

    await bell(page).click();
    const panel = page.getByRole('region', { name: 'Notifications' });
    await expect.poll(() => panel.getByRole('listitem').count()).toBeGreaterThanOrEqual(2);
    expect(await panel.textContent()).toContain('Tag v1.0.0 of acme/net/aws moved');
    await shot(page, 'notifications-bell-open');
    await panel.getByRole('listitem').filter({ hasText: 'Run 7 of prod failed' }).getByRole('button', { name: 'Mark read' }).click();
    await expect.poll(() => unread(page).textContent()).toBe('1');
    await panel.getByRole('button', { name: 'Delete: Run 7 of prod failed' }).click();
    await expect.poll(() => panel.getByText('Run 7 of prod failed').count()).toBe(0);
    await panel.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => unread(page).count()).toBe(0);
    const inbox = (await call('/api/v1/me/notifications', { token: await userToken(call, await signIn(call, ann.email, ann.password)) })).json();
    expect(inbox.items.some((i: { subject: string }) => i.subject === 'Run 7 of prod failed')).toBe(false);
  });
});

describe('notification settings', () => {
  it('saves a preference per event type and channel', async () => {
    const page = await newPage();
    await signInPage(page, '/notifications');
    await page.waitForURL('**/notifications');
    await page.getByLabel('credential.invalid by Email').selectOption('off');
    await page.getByLabel('run.errored by In the app').selectOption('on');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved.');
    await shot(page, 'notifications-settings');
    const rows = await platform.db('notification_preferences').where({ user_id: ann.id }).select('event_type', 'channel', 'enabled').orderBy('event_type');
    expect(rows).toEqual([
      { event_type: 'credential.invalid', channel: 'email', enabled: false },
      { event_type: 'run.errored', channel: 'in_app', enabled: true },
      { event_type: 'token.created', channel: 'in_app', enabled: false },
      { event_type: 'user.new_sign_in', channel: 'in_app', enabled: false },
    ]);
  });
});

describe('approve from the inbox', () => {
  it('lands on a confirmation page that changes nothing until confirmed, then works once', async () => {
    const token = await issueActionToken(platform.db, platform.config.signingSecret!, {
      action: 'run.approve',
      runId: 'run-9',
      userId: ann.id,
      expiresAt: new Date(Date.now() + 3_600_000),
      nonce: 'browser',
    });
    const done: string[] = [];
    registerActionHandler('run.approve', async (input) => void done.push(input.runId));
    try {
      const page = await newPage();
      await signInPage(page, `/action/${token}`);
      await page.waitForURL(`**/action/${token}`);
      await expect.poll(() => page.getByRole('button', { name: 'Approve the run' }).count()).toBe(1);
      expect(await page.locator('main').textContent()).toContain('run-9');
      expect(done).toEqual([]);
      await shot(page, 'notifications-action-confirm');
      await page.getByRole('button', { name: 'Approve the run' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('approved');
      expect(done).toEqual(['run-9']);
      await page.reload();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('used already');
      await shot(page, 'notifications-action-used');
    } finally {
      unregisterActionHandler('run.approve');
    }
  });
});
