import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkModuleArchive } from '../../../test/browser/fixtures';
import { clientFor } from '../../../test/harness/http';
import { startPlatform, type Platform } from '../../../test/harness/platform';
import { ensureWebBuilt } from '../../../web/tools/ensure-built';

// The API routes the dashboard reads (catalogue search, download stats, activity, live events) and the
// serving of the dashboard itself, against the real platform.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;

const gz = { 'content-type': 'application/gzip' };

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Event payloads are checked field by field by the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventData = any;

function parseEvents(text: string): { event: string; data: EventData }[] {
  return text
    .split('\n\n')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      return event && data ? { event, data: JSON.parse(data) } : null;
    })
    .filter((e): e is { event: string; data: EventData } => e !== null);
}

beforeAll(async () => {
  await ensureWebBuilt();
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-dash-api-'));
  const r = await call('/api/v1/modules/acme/network/aws/1.0.0?wait=true', { method: 'POST', body: await networkModuleArchive(work, '1.0.0'), headers: gz });
  expect(r.status).toBe(201);
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('catalogue search', () => {
  it('finds modules by any part of their address or description, with facets for the filters', async () => {
    const body = (await call('/api/v1/search?q=public%20and%20private', { token: null })).json();
    expect(body.items).toMatchObject([{ kind: 'module', namespace: 'acme', name: 'network', system: 'aws', latestVersion: '1.0.0', versionCount: 1 }]);
    expect(body.facets).toEqual({ namespaces: ['acme'], providers: ['aws'] });
    expect((await call('/api/v1/search?q=nothing-like-this', { token: null })).json()).toMatchObject({ items: [], total: 0 });
    expect((await call('/api/v1/search?kind=provider', { token: null })).json().total).toBe(0);
    expect((await call('/api/v1/search?provider=AWS&sort=downloads', { token: null })).json().total).toBe(1);
  });

  it('rejects an unknown sort with a readable 400', async () => {
    const r = await call('/api/v1/search?sort=random', { token: null });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('invalid_request');
  });
});

describe('download statistics', () => {
  it('counts a download on the day it happened, in a series with every day', async () => {
    const before = (await call('/api/v1/modules/acme/network/aws/downloads?days=30', { token: null })).json();
    expect(before.days).toHaveLength(30);
    expect(before.total).toBe(0);
    expect((await call('/v1/modules/acme/network/aws/1.0.0/download', { token: null })).status).toBe(204);
    // The fast path flushes its counters every few seconds.
    const after = await until('the download to be counted', async () => {
      const s = (await call('/api/v1/modules/acme/network/aws/downloads?days=30', { token: null })).json();
      return s.total === 1 ? s : null;
    });
    expect(after.days.at(-1)).toEqual({ day: after.to, count: 1 });
  });

  it('answers 404 for an unknown module', async () => {
    expect((await call('/api/v1/modules/acme/nope/aws/downloads', { token: null })).status).toBe(404);
  });
});

describe('activity', () => {
  it('lists Strata workflows with their subject and status, filtered, for token holders only', async () => {
    expect((await call('/api/v1/workflows', { token: null })).status).toBe(401);
    // A publish also raises a notification (its own `notify:` workflow): the publish is the one to look at.
    const listed = await until('the publish to be visible', async () => {
      const items = (await call('/api/v1/workflows')).json().items as { kind: string; durationMs: number }[];
      const publishes = items.filter((i) => i.kind === 'module-publish');
      return publishes.length ? publishes : null;
    });
    expect(listed[0]).toMatchObject({
      workflowId: 'module-publish:acme/network/aws/1.0.0',
      kind: 'module-publish',
      subject: 'acme/network/aws',
      version: '1.0.0',
      status: 'completed',
    });
    expect(listed[0]!.durationMs).toBeGreaterThan(0);
    expect((await call('/api/v1/workflows?status=failed')).json().items).toEqual([]);
    expect((await call('/api/v1/workflows?kind=provider-publish')).json().items).toEqual([]);
    expect((await call('/api/v1/workflows?q=acme/net')).json().items).toHaveLength(1);
    expect((await call('/api/v1/workflows?q=zzz')).json().items).toEqual([]);
    expect((await call("/api/v1/workflows?q=x'%20OR%20'1'='1")).status).toBe(400);
    expect((await call('/api/v1/workflows?pageToken=bm90LWEtdG9rZW4')).status).toBe(400);
  });

  it('pages with the token it returns', async () => {
    const first = await until('a second workflow', async () => {
      await call('/api/v1/modules/acme/network/aws/1.0.1?wait=true', { method: 'POST', body: await networkModuleArchive(work, '1.0.1'), headers: gz });
      // Publishes only: the notification workflows they raise start meanwhile and would shift the pages.
      const page = (await call('/api/v1/workflows?per_page=1&kind=module-publish')).json();
      return page.nextPageToken ? page : null;
    });
    const second = (await call(`/api/v1/workflows?per_page=1&kind=module-publish&pageToken=${first.nextPageToken}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].workflowId).not.toBe(first.items[0].workflowId);
  });
});

describe('live events', () => {
  const id = encodeURIComponent('module-publish:acme/network/aws/2.0.0');

  it('streams each change of a running publish and ends with its final state', async () => {
    await platform.stopWorker();
    const accepted = await call('/api/v1/modules/acme/network/aws/2.0.0', { method: 'POST', body: await networkModuleArchive(work, '2.0.0'), headers: gz });
    expect(accepted.status).toBe(202);
    // EventSource cannot send headers: the token rides in the query string.
    const stream = call(`/api/v1/workflows/${id}/events?token=${platform.token}`, { token: null });
    setTimeout(() => void platform.startWorker(), 1500);
    const r = await stream;
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEvents(r.body.toString('utf8'));
    const statuses = events.filter((e) => e.event === 'status').map((e) => e.data);
    expect(statuses[0].status).toBe('running');
    // At least the waiting state and the final one; how many steps are seen in between depends on timing.
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    const final = statuses.at(-1);
    expect(final.status).toBe('completed');
    expect(final.progress.steps.every((s: { status: string }) => s.status === 'completed')).toBe(true);
    expect(final.temporalUiUrl).toBe(
      `${platform.config.temporal.uiUrl}/namespaces/${encodeURIComponent(platform.config.temporal.namespace)}/workflows/${id}/${final.runId}/history`,
    );
    expect(events.at(-1)).toEqual({ event: 'end', data: { status: 'completed' } });
    // Only changes are pushed: no two consecutive snapshots are the same.
    const snapshots = statuses.map((s) => JSON.stringify(s));
    expect(new Set(snapshots).size).toBe(snapshots.length);
  }, 60_000);

  it('ends at once for a finished workflow, and refuses a missing token or an unknown workflow as JSON', async () => {
    const done = await call(`/api/v1/workflows/${id}/events`);
    expect(parseEvents(done.body.toString('utf8')).map((e) => e.event)).toEqual(['status', 'end']);
    const anonymous = await call(`/api/v1/workflows/${id}/events`, { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().error.code).toBe('unauthorized');
    const unknown = await call(`/api/v1/workflows/${encodeURIComponent('module-publish:acme/none/aws/9.9.9')}/events`);
    expect(unknown.status).toBe(404);
  });
});

describe('the dashboard itself', () => {
  it('is served at / with a strict content security policy, and deep links get the app', async () => {
    const home = await call('/', { token: null });
    expect(home.status).toBe(200);
    expect(home.headers['content-type']).toMatch(/^text\/html/);
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    const deep = await call('/activity/module-publish%3Aacme/network/aws/1.0.0', { token: null });
    expect(deep.status).toBe(200);
    expect(deep.body.toString()).toBe(home.body.toString());
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.body.toString())![1]!;
    const asset = await call(script, { token: null });
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('never answers API paths or missing assets with the app', async () => {
    const api = await call('/api/v1/nothing-here', { token: null });
    expect(api.status).toBe(404);
    expect(api.json().error.code).toBe('not_found');
    expect((await call('/assets/missing.js', { token: null })).status).toBe(404);
    expect((await call('/', { method: 'POST', token: null })).status).toBe(404);
  });
});
