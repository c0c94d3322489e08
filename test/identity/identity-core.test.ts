import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../core/auth/tokens';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createNamespace, createOrg, createUser, json, signIn, userToken } from './session-helpers';

// The production default: namespaces are private unless made public.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let owner: { token: string; session: { cookie: string; csrf: string } };
let reader: { token: string };
let outsider: { token: string };

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_LOGIN_MAX_FAILURES: '3' } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-identity-'));
  const alice = await createUser(call, 'alice@acme.test');
  const bob = await createUser(call, 'bob@acme.test');
  const eve = await createUser(call, 'eve@other.test');
  const session = await signIn(call, alice.email, alice.password);
  owner = { session, token: await userToken(call, session) };
  await createOrg(call, owner.token, 'acme');
  await addMember(call, owner.token, 'acme', bob.email, 'reader');
  await createNamespace(call, owner.token, 'acme', 'acme-private');
  reader = { token: await userToken(call, await signIn(call, bob.email, bob.password)) };
  const eveSession = await signIn(call, eve.email, eve.password);
  outsider = { token: await userToken(call, eveSession) };
  await createOrg(call, outsider.token, 'other');
  const mod = await writeDemoModule(work, '1.0.0');
  const up = await call('/api/v1/modules/acme-private/demo/aws/1.0.0?wait=true', { method: 'POST', token: owner.token, body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
  expect(up.status, up.body.toString()).toBe(201);
});

/** Polls until the path answers `status` (the identity and namespace caches hold answers for up to 3 s). */
async function statusBecomes(path: string, token: string | null, status: number): Promise<void> {
  const deadline = Date.now() + 6000;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await call(path, { token })).status;
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path} still answers ${last}, not ${status}`);
}

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a private namespace on the registry protocol', () => {
  const versions = '/v1/modules/acme-private/demo/aws/versions';

  it('is 401 without a token, 404 for another organisation, 200 for a reader', async () => {
    expect((await call(versions, { token: null })).status).toBe(401);
    expect((await call(versions, { token: 'strata_not-a-real-token' })).status).toBe(401);
    const other = await call(versions, { token: outsider.token });
    expect(other.status).toBe(404);
    // The same answer as for something that does not exist.
    expect(other.body.toString()).toBe((await call('/v1/modules/acme-private/nothing/aws/versions', { token: outsider.token })).body.toString());
    const ok = await call(versions, { token: reader.token });
    expect(ok.status).toBe(200);
    expect(ok.json().modules[0].versions).toEqual([{ version: '1.0.0' }]);
  });

  it('is hidden from the catalogue, search and detail of people who may not read it', async () => {
    for (const token of [null, outsider.token]) {
      expect((await call('/api/v1/search?q=demo', { token })).json().total).toBe(0);
      expect((await call('/api/v1/modules/acme-private/demo/aws', { token })).status).toBe(404);
    }
    expect((await call('/api/v1/search?q=demo', { token: reader.token })).json().total).toBe(1);
  });

  it('takes a revoked token away within 5 seconds', async () => {
    const session = await signIn(call, 'bob@acme.test', 'correct horse bob@acme.test battery');
    const token = await userToken(call, session);
    expect((await call(versions, { token })).status).toBe(200);
    const mine = (await call('/api/v1/tokens', { token })).json().items as { id: string; prefix: string }[];
    const id = mine.find((t) => token.startsWith(t.prefix))!.id;
    expect((await call(`/api/v1/tokens/${id}`, { method: 'DELETE', token })).status).toBe(204);
    const started = Date.now();
    await statusBecomes(versions, token, 401);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('becomes readable by anyone once made public, and private again', async () => {
    const patch = (visibility: string, token: string) =>
      call('/api/v1/namespaces/acme-private', { method: 'PATCH', token, headers: json, body: JSON.stringify({ visibility }) });
    expect((await patch('public', reader.token)).status).toBe(403);
    expect((await patch('public', outsider.token)).status).toBe(404);
    expect((await patch('public', owner.token)).status).toBe(200);
    await statusBecomes(versions, null, 200);
    expect((await patch('private', owner.token)).status).toBe(200);
    await statusBecomes(versions, null, 401);
  });
});

describe('publishing', () => {
  it('needs publisher or above: a reader gets 403, a scope-narrowed token 403, another organisation 404', async () => {
    const mod = await writeDemoModule(work, '1.1.0');
    const upload = (token: string) =>
      call('/api/v1/modules/acme-private/demo/aws/1.1.0?wait=true', { method: 'POST', token, body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
    expect((await upload(reader.token)).status).toBe(403);
    expect((await upload(outsider.token)).status).toBe(404);
    const narrowed = await userToken(call, owner.session, ['read']);
    expect((await upload(narrowed)).status).toBe(403);
    const res = await upload(owner.token);
    expect(res.status, res.body.toString()).toBe(201);
  });

  it('into a new namespace by the platform admin creates it, private, in the default organisation', async () => {
    const mod = await writeDemoModule(work, '0.1.0');
    const res = await call('/api/v1/modules/brand-new/demo/aws/0.1.0?wait=true', { method: 'POST', body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status, res.body.toString()).toBe(201);
    expect((await call('/api/v1/namespaces/brand-new')).json()).toMatchObject({ organization: 'default', visibility: 'private' });
    expect((await call('/v1/modules/brand-new/demo/aws/versions', { token: null })).status).toBe(401);
  });

  it('by a user into a namespace that does not exist is 404 and creates nothing', async () => {
    const mod = await writeDemoModule(work, '0.1.0');
    const res = await call('/api/v1/modules/not-there/demo/aws/0.1.0', { method: 'POST', token: owner.token, body: mod.bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status).toBe(404);
    expect((await call('/api/v1/namespaces/not-there')).status).toBe(404);
  });
});

describe('sessions', () => {
  it('refuses a cookie mutation without the CSRF token or from another origin', async () => {
    const { cookie, csrf } = owner.session;
    const body = JSON.stringify({ name: 'csrf-test' });
    const noToken = await call('/api/v1/tokens', { method: 'POST', token: null, headers: { ...json, cookie }, body });
    expect(noToken.status).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_failed');
    const wrongOrigin = await call('/api/v1/tokens', { method: 'POST', token: null, headers: { ...json, cookie, 'x-csrf-token': csrf, origin: 'https://evil.test' }, body });
    expect(wrongOrigin.status).toBe(403);
    expect((await call('/api/v1/tokens', { method: 'POST', token: null, headers: { ...json, cookie, 'x-csrf-token': csrf }, body })).status).toBe(201);
  });

  it('sets an HttpOnly, SameSite=Lax cookie and forgets it at logout', async () => {
    const s = await signIn(call, 'eve@other.test', 'correct horse eve@other.test battery');
    expect(String(s.res.headers['set-cookie'])).toMatch(/strata_session=[^;]+;.*httponly/i);
    expect(String(s.res.headers['set-cookie'])).toMatch(/samesite=lax/i);
    const me = await call('/api/v1/me', { token: null, headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ kind: 'user', user: { email: 'eve@other.test' }, organizations: [{ name: 'other', role: 'owner' }] });
    expect((await call('/api/v1/auth/logout', { method: 'POST', token: null, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).status).toBe(204);
    expect((await call('/api/v1/me', { token: null, headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('answers a wrong password and an unknown email alike, then locks with 429 and Retry-After', async () => {
    const wrong = await signIn(call, 'alice@acme.test', 'not the password at all');
    const unknown = await signIn(call, 'nobody@acme.test', 'not the password at all');
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.json()).toEqual(unknown.res.json());
    await signIn(call, 'alice@acme.test', 'not the password at all');
    await signIn(call, 'alice@acme.test', 'not the password at all');
    const locked = await signIn(call, 'alice@acme.test', 'correct horse alice@acme.test battery');
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await platform.db('audit_log').where({ action: 'auth.login', target: 'alice@acme.test' }).select('result');
    expect(audit.map((a) => a.result)).toEqual(expect.arrayContaining(['success', 'failure', 'denied']));
  });
});

describe('expired and forged credentials', () => {
  it('refuses an expired API token (within the cache lifetime), with 401', async () => {
    const session = await signIn(call, 'bob@acme.test', 'correct horse bob@acme.test battery');
    const token = await userToken(call, session);
    expect((await call('/api/v1/me', { token })).status).toBe(200);
    await platform.db('api_tokens').where({ token_hash: hashToken(token) }).update({ expires_at: new Date(Date.now() - 1000) });
    await statusBecomes('/api/v1/me', token, 401);
    expect((await call('/api/v1/me', { token })).json().error.code).toBe('invalid_token');
  });

  it('treats a forged, a replayed-after-logout, an expired and an idle session cookie as no session', async () => {
    const asCookie = (cookie: string) => call('/api/v1/me', { token: null, headers: { cookie } });
    expect((await asCookie('strata_session=forged-value-that-was-never-issued')).status).toBe(401);
    const expired = await signIn(call, 'bob@acme.test', 'correct horse bob@acme.test battery');
    const idle = await signIn(call, 'bob@acme.test', 'correct horse bob@acme.test battery');
    expect((await asCookie(expired.cookie)).status).toBe(200);
    expect((await asCookie(idle.cookie)).status).toBe(200);
    const ids = (await call('/api/v1/me/sessions', { token: null, headers: { cookie: idle.cookie } })).json().items as { id: string; current: boolean }[];
    const idleId = ids.find((x) => x.current)!.id;
    const expiredId = (await call('/api/v1/me/sessions', { token: null, headers: { cookie: expired.cookie } })).json().items.find((x: { current: boolean }) => x.current).id;
    // A request within the cache lifetime counts as activity (last_seen_at is written back every 2 s): let the
    // cached identities lapse and the last write land before ageing the sessions behind the API's back.
    await new Promise((r) => setTimeout(r, 3500));
    await platform.db('sessions').where({ id: expiredId }).update({ expires_at: new Date(Date.now() - 1000) });
    // Idle for longer than STRATA_SESSION_IDLE_MINUTES (720 by default).
    await platform.db('sessions').where({ id: idleId }).update({ last_seen_at: new Date(Date.now() - 13 * 3600_000) });
    for (const cookie of [expired.cookie, idle.cookie]) {
      const deadline = Date.now() + 5000;
      let status = 0;
      while (Date.now() < deadline && (status = (await asCookie(cookie)).status) !== 401) await new Promise((r) => setTimeout(r, 100));
      expect(status).toBe(401);
    }
  });
});

describe('the audit log', () => {
  it('records a landed version in the transaction that inserted it, with who asked for it', async () => {
    const entry = await platform.db('audit_log').where({ action: 'module.publish', target: 'acme-private/demo/aws@1.0.0' }).first();
    expect(entry).toMatchObject({ actor_type: 'user', actor_label: 'alice@acme.test', result: 'success' });
    const org = await platform.db('organizations').where({ name: 'acme' }).first('id');
    expect(entry.org_id).toBe(org.id);
    expect(entry.details.workflowId).toBe('module-publish:acme-private/demo/aws/1.0.0');
  });

  it('is append-only in the database', async () => {
    await expect(platform.db('audit_log').update({ action: 'x' })).rejects.toThrow(/append-only/);
    await expect(platform.db('audit_log').delete()).rejects.toThrow(/append-only/);
  });
});
