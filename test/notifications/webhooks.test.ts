import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebhooksForEvent } from '../../core/db/repos/webhooks';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';

/** What the receiver got: one entry per request, in order. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Requests per path, so "fail twice then succeed" is counted per endpoint. */
const hits = new Map<string, number>();
const t: Record<'owner' | 'reader' | 'eve', string> = { owner: '', reader: '', eve: '' };

const send = (method: string, path: string, token: string, body?: unknown) =>
  call(path, { method, token, ...(body === undefined ? {} : { headers: json, body: JSON.stringify(body) }) });
const base = '/api/v1/orgs/acme/webhooks';
const create = (url: string, events: string[] = ['module.published', 'webhook.test'], token = t.owner) => send('POST', base, token, { url, events });
const resultOf = (workflowId: string) => platform.temporal.workflow.getHandle(workflowId).result() as Promise<{ status: string; attempts: number; deliveryId: string }>;

/**
 * Standard Webhooks verification written here from the specification, independently of Strata's signer: the key
 * is the base64 part of the `whsec_` secret, the signed content `id.timestamp.body`.
 */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_ALLOW_PRIVATE_NETWORKS: 'true' } });
  call = clientFor(platform);
  for (const name of ['owner', 'reader', 'eve'] as const) {
    const user = await createUser(call, `${name}@webhooks.test`);
    t[name] = await userToken(call, await signIn(call, user.email, user.password));
  }
  await createOrg(call, t.owner, 'acme');
  await addMember(call, t.owner, 'acme', 'reader@webhooks.test', 'reader');
  await createOrg(call, t.eve, 'other');

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      if (path === '/flaky') return void res.writeHead(n <= 2 ? 503 : 200).end(n <= 2 ? 'down for maintenance' : 'ok');
      if (path === '/broken') return void res.writeHead(500).end('always broken');
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await platform?.close();
});

describe('organisation webhooks', () => {
  let hook: { id: string; secret: string };
  let testDelivery: string;

  it('creates a webhook whose secret is shown once and stored sealed', async () => {
    const res = await create(`${receiverUrl}/ok`);
    expect(res.status, res.body.toString()).toBe(201);
    hook = res.json();
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(hook.secret.slice(6), 'base64')).toHaveLength(32);
    const list = await send('GET', base, t.owner);
    expect(list.status).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: hook.id, url: `${receiverUrl}/ok`, events: ['module.published', 'webhook.test'], enabled: true })]);
    const one = await send('GET', `${base}/${hook.id}`, t.owner);
    for (const body of [list.body.toString(), one.body.toString()]) {
      expect(body).not.toContain(hook.secret.slice(6));
      expect(body).not.toContain('secret');
    }
    const stored = await platform.db('webhooks').where({ id: hook.id }).first();
    expect(JSON.stringify(stored)).not.toContain(hook.secret.slice(6));
    const [entry] = await platform.db('audit_log').where({ action: 'webhook.create', target: hook.id });
    expect(JSON.stringify(entry.details)).not.toContain(hook.secret.slice(6));
  });

  it('sends a signed CloudEvents test event to that webhook only', async () => {
    const other = await create(`${receiverUrl}/other`);
    const res = await send('POST', `${base}/${hook.id}/test`, t.owner);
    expect(res.status, res.body.toString()).toBe(202);
    const { workflowId, eventId } = res.json();
    expect(workflowId).toBe(`webhook-delivery:${eventId}:${hook.id}`);
    expect(await resultOf(workflowId)).toMatchObject({ status: 'delivered', attempts: 1 });

    const got = received.filter((r) => r.path === '/ok');
    expect(got).toHaveLength(1);
    expect(received.some((r) => r.path === '/other')).toBe(false);
    await send('DELETE', `${base}/${other.json().id}`, t.owner);
    const { headers, body } = got[0]!;
    expect(headers['webhook-id']).toBe(eventId);
    expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(headers['webhook-signature']).toBe(expectedSignature(hook.secret, eventId, headers['webhook-timestamp'] as string, body));
    expect(headers['content-type']).toBe('application/json');
    const event = JSON.parse(body);
    expect(event).toMatchObject({ specversion: '1.0', id: eventId, source: platform.url, type: 'webhook.test', datacontenttype: 'application/json' });
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(event.subject).toContain(`${receiverUrl}/ok`);
    expect(event.data).toMatchObject({ organization: 'acme', webhookId: hook.id, link: `${platform.url}/orgs/acme/webhooks` });

    const log = await send('GET', `${base}/${hook.id}/deliveries`, t.owner);
    expect(log.json().items).toEqual([
      expect.objectContaining({ eventId, eventType: 'webhook.test', status: 'delivered', attempts: 1, responseCode: 204, redelivery: 0, lastError: null }),
    ]);
    expect(log.json().items[0].durationMs).toBeGreaterThanOrEqual(0);
    testDelivery = log.json().items[0].id;
    // The test event is this webhook's alone: it is born dispatched, so the fan-out never picks it up.
    expect((await platform.db('notification_events').where({ id: eventId }).first()).dispatched_at).not.toBeNull();
  });

  it('keeps the secret out of the Temporal history', async () => {
    const [delivery] = await platform.db('webhook_deliveries').where({ id: testDelivery });
    const history = await platform.temporal.workflow.getHandle(delivery.workflow_id).fetchHistory();
    // Payloads are base64 in the history's JSON: decode every one before searching the text.
    const raw = JSON.stringify(history);
    const decoded: string[] = [];
    JSON.parse(raw, (k, v: unknown) => (k === 'data' && typeof v === 'string' && decoded.push(Buffer.from(v, 'base64').toString('utf8')), v));
    const text = `${raw}\n${decoded.join('\n')}`;
    expect(text).toContain(`"webhookId":"${hook.id}"`);
    expect(text).toContain('retryInSeconds');
    expect(text).toContain('attemptWebhookDelivery');
    expect(text).not.toContain(hook.secret.slice(6));
    expect(text).not.toContain('whsec_');
  });

  it('redelivers an event as a new delivery with the same webhook-id', async () => {
    const before = received.filter((r) => r.path === '/ok');
    const res = await send('POST', `${base}/${hook.id}/deliveries/${testDelivery}/redeliver`, t.owner);
    expect(res.status, res.body.toString()).toBe(202);
    expect(res.json().workflowId).toMatch(/:r1$/);
    expect(await resultOf(res.json().workflowId)).toMatchObject({ status: 'delivered' });
    const again = await send('POST', `${base}/${hook.id}/deliveries/${testDelivery}/redeliver`, t.owner);
    expect(again.json().workflowId).toMatch(/:r2$/);
    await resultOf(again.json().workflowId);
    const after = received.filter((r) => r.path === '/ok');
    expect(after).toHaveLength(before.length + 2);
    expect(new Set(after.map((r) => r.headers['webhook-id']))).toEqual(new Set([before[0]!.headers['webhook-id']]));
    const items = (await send('GET', `${base}/${hook.id}/deliveries`, t.owner)).json().items;
    expect(items.map((d: { redelivery: number; status: string }) => [d.redelivery, d.status])).toEqual([
      [2, 'delivered'],
      [1, 'delivered'],
      [0, 'delivered'],
    ]);
    expect(await platform.db('audit_log').where({ action: 'webhook.redeliver', target: hook.id })).toHaveLength(2);
  });

  it('retries a failing endpoint with backoff: delivered once, after three attempts', async () => {
    const flaky = (await create(`${receiverUrl}/flaky`)).json();
    const res = await send('POST', `${base}/${flaky.id}/test`, t.owner);
    expect(await resultOf(res.json().workflowId)).toMatchObject({ status: 'delivered', attempts: 3 });
    const got = received.filter((r) => r.path === '/flaky');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of got) expect(r.headers['webhook-signature']).toBe(expectedSignature(flaky.secret, r.headers['webhook-id'] as string, r.headers['webhook-timestamp'] as string, r.body));
    const items = (await send('GET', `${base}/${flaky.id}/deliveries`, t.owner)).json().items;
    expect(items).toEqual([expect.objectContaining({ status: 'delivered', attempts: 3, responseCode: 200, lastError: null })]);
    // Delivered: the endpoint's failing streak is over.
    expect((await send('GET', `${base}/${flaky.id}`, t.owner)).json().failingSince).toBeNull();
  }, 60_000);

  it('turns off a webhook whose endpoint has failed for a day, as the system, in the audit log', async () => {
    const broken = (await create(`${receiverUrl}/broken`)).json();
    // A day of failures, without waiting a day: the streak started 25 hours ago.
    await platform.db('webhooks').where({ id: broken.id }).update({ failing_since: new Date(Date.now() - 25 * 3600_000) });
    const res = await send('POST', `${base}/${broken.id}/test`, t.owner);
    expect(await resultOf(res.json().workflowId)).toMatchObject({ status: 'failed', attempts: 1 });
    const shown = (await send('GET', `${base}/${broken.id}`, t.owner)).json();
    expect(shown).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('HTTP 500') });
    const items = (await send('GET', `${base}/${broken.id}/deliveries`, t.owner)).json().items;
    expect(items).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, responseCode: 500, lastError: 'HTTP 500: always broken' })]);
    const [entry] = await platform.db('audit_log').where({ action: 'webhook.disable', target: broken.id });
    expect(entry).toMatchObject({ actor_type: 'system', result: 'success' });
    // Its owners are told: a webhook.disabled event, fanned out to the organisation's owners and admins.
    const told = await platform.db('notification_events').where({ type: 'webhook.disabled' }).first();
    expect(told).toMatchObject({ org_id: await orgId('acme'), payload: expect.objectContaining({ webhookId: broken.id }) });
    expect(told.dispatched_at).not.toBeNull();
    expect(await findWebhooksForEvent(platform.db, { orgId: await orgId('acme'), type: 'webhook.test' })).not.toContainEqual({ id: broken.id });
    // Disabled: no test event, no redelivery until a person turns it back on.
    expect((await send('POST', `${base}/${broken.id}/test`, t.owner)).status).toBe(409);
    const on = await send('PATCH', `${base}/${broken.id}`, t.owner, { enabled: true });
    expect(on.json()).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it("sends nothing when a webhook's sealed secret does not open (copied from another row)", async () => {
    const a = (await create(`${receiverUrl}/copied-a`)).json();
    const b = (await create(`${receiverUrl}/copied-b`)).json();
    const sealed = (await platform.db('webhooks').where({ id: a.id }).first()).secret_sealed;
    await platform.db('webhooks').where({ id: b.id }).update({ secret_sealed: JSON.stringify(sealed) });
    const res = await send('POST', `${base}/${b.id}/test`, t.owner);
    expect(await resultOf(res.json().workflowId)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(received.some((r) => r.path === '/copied-b')).toBe(false);
    const items = (await send('GET', `${base}/${b.id}/deliveries`, t.owner)).json().items;
    expect(items).toEqual([expect.objectContaining({ status: 'failed', attempts: 0, lastError: expect.stringContaining('signing secret cannot be opened') })]);
    for (const id of [a.id, b.id]) await send('DELETE', `${base}/${id}`, t.owner);
  });

  it('changes, lists for the fan-out and deletes webhooks, auditing each change', async () => {
    const acme = await orgId('acme');
    const made = (await create(`${receiverUrl}/patch`, ['run.errored'])).json();
    expect(await findWebhooksForEvent(platform.db, { orgId: acme, type: 'run.errored' })).toEqual([{ id: made.id }]);
    const off = await send('PATCH', `${base}/${made.id}`, t.owner, { enabled: false, events: ['run.errored', 'run.applied', 'run.applied'] });
    expect(off.status, off.body.toString()).toBe(200);
    expect(off.json()).toMatchObject({ enabled: false, events: ['run.errored', 'run.applied'], disabledReason: null });
    expect(await findWebhooksForEvent(platform.db, { orgId: acme, type: 'run.errored' })).toEqual([]);
    await send('PATCH', `${base}/${made.id}`, t.owner, { enabled: true });
    expect(await findWebhooksForEvent(platform.db, { orgId: acme, type: 'run.applied' })).toEqual([{ id: made.id }]);
    expect(await findWebhooksForEvent(platform.db, { orgId: acme, type: 'module.published' })).not.toContainEqual({ id: made.id });
    expect((await send('DELETE', `${base}/${made.id}`, t.owner)).status).toBe(204);
    expect((await send('GET', `${base}/${made.id}`, t.owner)).status).toBe(404);
    const actions = (await platform.db('audit_log').where({ target: made.id }).orderBy('at').select('action')).map((r) => r.action);
    expect(actions).toEqual(['webhook.create', 'webhook.update', 'webhook.update', 'webhook.delete']);
  });
});

describe('bad input and other principals', () => {
  it('refuses unknown event types, non-https schemes and malformed URLs with 400, saving nothing', async () => {
    const before = await platform.db('webhooks').count<{ count: string }[]>('* as count');
    const unknown = await create(`${receiverUrl}/x`, ['module.published', 'module.exploded']);
    expect(unknown.status).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'webhook_event_unknown', message: expect.stringContaining('module.exploded') });
    for (const url of ['ftp://127.0.0.1/hook', 'not a url', 'https://user:pw@127.0.0.1/hook']) {
      const res = await create(url);
      expect(res.status, url).toBe(400);
      expect(res.json().error.code).toBe('webhook_url_invalid');
    }
    expect((await create(`${receiverUrl}/x`, [])).status).toBe(400);
    expect(await platform.db('webhooks').count<{ count: string }[]>('* as count')).toEqual(before);
  });

  it('lets only admins manage: a reader gets 403, another organisation 404', async () => {
    expect((await create(`${receiverUrl}/reader`, ['webhook.test'], t.reader)).status).toBe(403);
    expect((await send('GET', base, t.reader)).status).toBe(403);
    expect((await create(`${receiverUrl}/eve`, ['webhook.test'], t.eve)).status).toBe(404);
    const mine = (await create(`${receiverUrl}/mine`)).json();
    const eves = await send('POST', '/api/v1/orgs/other/webhooks', t.eve, { url: `${receiverUrl}/eve`, events: ['webhook.test'] });
    expect(eves.status).toBe(201);
    // Eve's organisation path with acme's webhook id, and acme's path: both as if it did not exist.
    for (const path of [`/api/v1/orgs/other/webhooks/${mine.id}`, `${base}/${mine.id}`]) {
      expect((await send('GET', path, t.eve)).status, path).toBe(404);
      expect((await send('POST', `${path}/test`, t.eve)).status, path).toBe(404);
      expect((await send('DELETE', path, t.eve)).status, path).toBe(404);
    }
    expect((await send('GET', `/api/v1/orgs/other/webhooks/${mine.id}/deliveries`, t.eve)).status).toBe(404);
    // Acme's owner cannot reach eve's webhook through acme either.
    expect((await send('GET', `${base}/${eves.json().id}`, t.owner)).status).toBe(404);
  });
});

async function orgId(name: string): Promise<string> {
  return (await platform.db('organizations').where({ name }).first('id')).id;
}
