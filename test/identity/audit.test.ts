import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createNamespace, createOrg, createUser, json, signIn, userToken } from './session-helpers';

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let owner: { email: string; token: string };
let reader: { token: string };
let outsider: { token: string };
let publisher: { token: string };

interface Entry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; label: string | null };
  organization: string | null;
  action: string;
  target: string | null;
  result: string;
  userAgent: string | null;
  details: Record<string, unknown>;
}

const upload = async (token: string, ns: string, version: string, userAgent?: string) => {
  const mod = await writeDemoModule(work, version);
  return call(`/api/v1/modules/${ns}/demo/aws/${version}?wait=true`, {
    method: 'POST',
    token,
    body: mod.bytes,
    headers: { 'content-type': 'application/gzip', ...(userAgent ? { 'user-agent': userAgent } : {}) },
  });
};

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private', STRATA_TOKEN_CREATE_LIMIT: '3', STRATA_UPLOAD_LIMIT: '2' } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-audit-'));
  const alice = await createUser(call, 'alice@acme.test');
  const bob = await createUser(call, 'bob@acme.test');
  const carol = await createUser(call, 'carol@acme.test');
  const eve = await createUser(call, 'eve@other.test');
  owner = { email: alice.email, token: await userToken(call, await signIn(call, alice.email, alice.password)) };
  await createOrg(call, owner.token, 'acme');
  await addMember(call, owner.token, 'acme', bob.email, 'reader');
  await addMember(call, owner.token, 'acme', carol.email, 'publisher');
  await createNamespace(call, owner.token, 'acme', 'acme-mods');
  reader = { token: await userToken(call, await signIn(call, bob.email, bob.password)) };
  publisher = { token: await userToken(call, await signIn(call, carol.email, carol.password)) };
  outsider = { token: await userToken(call, await signIn(call, eve.email, eve.password)) };
  await createOrg(call, outsider.token, 'other');
  await createNamespace(call, outsider.token, 'other', 'other-mods');
  // A request whose user agent a spreadsheet would run as a formula.
  const up = await upload(owner.token, 'acme-mods', '1.0.0', '=HYPERLINK("http://evil.test","x"), "quoted"');
  expect(up.status, up.body.toString()).toBe(201);
});

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

async function page(path: string, token: string | null = owner.token): Promise<{ items: Entry[]; nextCursor: string | null }> {
  const res = await call(path, { token });
  expect(res.status, `${path}: ${res.body.toString()}`).toBe(200);
  return res.json();
}

/** Every entry of a list, following the cursor. */
async function all(path: string, token: string | null = owner.token, limit = 3): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const p: { items: Entry[]; nextCursor: string | null } = await page(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, token);
    expect(p.items.length).toBeLessThanOrEqual(limit);
    out.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor);
  return out;
}

/** RFC 4180 rows (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe("an organisation's audit log", () => {
  it('records what was done in the organisation, newest first, and nothing of other organisations or sign-ins', async () => {
    const entries = await all('/api/v1/orgs/acme/audit');
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['org.create', 'member.add', 'namespace.create', 'module.publish_requested']));
    expect(new Set(entries.map((e) => e.organization))).toEqual(new Set(['acme']));
    expect(actions).not.toContain('auth.login');
    expect(entries.some((e) => e.target === 'other-mods')).toBe(false);
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    const publish = entries.find((e) => e.action === 'module.publish_requested')!;
    expect(publish).toMatchObject({ target: 'acme-mods/demo/aws@1.0.0', result: 'success', actor: { type: 'user', label: expect.stringMatching(/^alice@acme\.test \(token /) } });
    expect(publish.details.workflowId).toEqual(expect.any(String));
  });

  it('is for admins and owners: 403 for a reader, 404 for another organisation, 401 without a token', async () => {
    expect((await call('/api/v1/orgs/acme/audit', { token: reader.token })).status).toBe(403);
    expect((await call('/api/v1/orgs/acme/audit/export', { token: reader.token })).status).toBe(403);
    expect((await call('/api/v1/orgs/acme/audit', { token: outsider.token })).status).toBe(404);
    expect((await call('/api/v1/orgs/acme/audit', { token: null })).status).toBe(401);
    expect((await call('/api/v1/audit', { token: owner.token })).status).toBe(403);
    // Platform admins read any organisation's.
    expect((await page('/api/v1/orgs/other/audit', platform.token)).items.map((e) => e.action)).toContain('namespace.create');
  });

  it('filters by actor (email, including their tokens), action prefix, target, time and free text', async () => {
    const byAlice = await all(`/api/v1/orgs/acme/audit?actor=${encodeURIComponent(owner.email)}`);
    expect(byAlice.length).toBeGreaterThanOrEqual(5);
    expect(byAlice.every((e) => e.actor.label?.startsWith(owner.email))).toBe(true);
    const members = await all('/api/v1/orgs/acme/audit?action=member.*');
    expect(members.map((e) => e.target).sort()).toEqual(['bob@acme.test', 'carol@acme.test']);
    expect((await all('/api/v1/orgs/acme/audit?target=carol@acme.test')).map((e) => e.action)).toEqual(['member.add']);
    expect((await all('/api/v1/orgs/acme/audit?q=acme-mods')).map((e) => e.action).sort()).toEqual(['module.publish', 'module.publish_requested', 'namespace.create']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await page(`/api/v1/orgs/acme/audit?since=${future}`)).items).toEqual([]);
    expect((await all(`/api/v1/orgs/acme/audit?until=${future}`)).length).toBe((await all('/api/v1/orgs/acme/audit')).length);
    const bad = await call('/api/v1/orgs/acme/audit?since=yesterday', { token: owner.token });
    expect(bad.status).toBe(400);
    expect((await call('/api/v1/orgs/acme/audit?cursor=abc', { token: owner.token })).status).toBe(400);
    expect((await call('/api/v1/orgs/acme/audit?limit=1000', { token: owner.token })).status).toBe(400);
  });

  it('exports as CSV: an attachment, quoted cells, formula-like cells defused', async () => {
    const res = await call('/api/v1/orgs/acme/audit/export?format=csv', { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="strata-audit-acme-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(res.body.toString('utf8'));
    expect(rows[0]).toEqual(['id', 'at', 'actor_type', 'actor_id', 'actor_label', 'organization', 'action', 'target', 'result', 'ip', 'user_agent', 'details']);
    const listed = await all('/api/v1/orgs/acme/audit', owner.token, 200);
    expect(rows.slice(1).map((r) => r[0])).toEqual(listed.map((e) => e.id));
    const publish = rows.find((r) => r[6] === 'module.publish_requested')!;
    expect(publish[10]).toBe(`'=HYPERLINK("http://evil.test","x"), "quoted"`);
    expect(JSON.parse(publish[11]!)).toEqual(listed.find((e) => e.action === 'module.publish_requested')!.details);
    // No cell begins with a formula character.
    expect(rows.flat().filter((cell) => /^[=+\-@]/.test(cell))).toEqual([]);
  });

  it('exports as NDJSON with the same filters', async () => {
    const res = await call('/api/v1/orgs/acme/audit/export?format=ndjson&action=member.*', { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".*\.ndjson"$/);
    const lines = res.body.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Entry);
    expect(lines.map((e) => e.target).sort()).toEqual(['bob@acme.test', 'carol@acme.test']);
  });

  it('streams an export longer than one page, every entry once, newest first', async () => {
    await createOrg(call, platform.token, 'bulk');
    const org = await platform.db('organizations').where({ name: 'bulk' }).first('id');
    const rows = Array.from({ length: 1234 }, (_, i) => ({ actor_type: 'system', actor_label: 'load', org_id: org.id, action: 'bulk.entry', target: `t-${i}`, result: 'success' }));
    await platform.db.batchInsert('audit_log', rows, 500);
    const res = await call('/api/v1/orgs/bulk/audit/export?format=ndjson&action=bulk.entry');
    expect(res.status).toBe(200);
    const ids = res.body.toString('utf8').trim().split('\n').map((l) => BigInt((JSON.parse(l) as Entry).id));
    expect(ids).toHaveLength(1234);
    expect(new Set(ids).size).toBe(1234);
    expect(ids.every((id, i) => i === 0 || id < ids[i - 1]!)).toBe(true);
  });
});

describe('the platform audit log', () => {
  it('holds every organisation and the entries of none (sign-ins), for platform admins', async () => {
    const byEve = await all('/api/v1/audit?actor=eve@other.test', platform.token, 50);
    const orgs = new Set(byEve.map((e) => e.organization));
    expect(orgs.has(null)).toBe(true);
    expect(orgs.has('other')).toBe(true);
    const logins = await all('/api/v1/audit?action=auth.login', platform.token, 50);
    expect(logins.map((e) => e.target)).toEqual(expect.arrayContaining(['alice@acme.test', 'eve@other.test']));
    const acme = await all('/api/v1/audit?org=acme', platform.token, 50);
    expect(new Set(acme.map((e) => e.organization))).toEqual(new Set(['acme']));
    expect((await call('/api/v1/audit?org=nope', { token: platform.token })).status).toBe(404);
    const csv = await call('/api/v1/audit/export?action=auth.login');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/filename="strata-audit-platform-/);
    expect(parseCsv(csv.body.toString('utf8')).length - 1).toBe(logins.length);
  });
});

describe('rate limits', () => {
  it('caps token creation per principal with 429 and Retry-After; others are not affected', async () => {
    const dave = await createUser(call, 'dave@acme.test');
    const session = await signIn(call, dave.email, dave.password);
    const mint = (token?: string) =>
      call('/api/v1/tokens', {
        method: 'POST',
        token: token ?? null,
        headers: { ...json, ...(token ? {} : { cookie: session.cookie, 'x-csrf-token': session.csrf }) },
        body: JSON.stringify({ name: 'ci' }),
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await mint()).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await mint();
    expect(refused.status).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThan(3000);
    expect(retry).toBeLessThanOrEqual(3600);
    // Another person still can.
    const frank = await createUser(call, 'frank@acme.test');
    expect((await userToken(call, await signIn(call, frank.email, frank.password))).startsWith('strata_')).toBe(true);
  });

  it('caps uploads per principal', async () => {
    expect((await upload(publisher.token, 'acme-mods', '2.0.0')).status).toBe(201);
    expect((await upload(publisher.token, 'acme-mods', '2.1.0')).status).toBe(201);
    const third = await upload(publisher.token, 'acme-mods', '2.2.0');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(600);
    // The owner has used one of their two.
    expect((await upload(owner.token, 'acme-mods', '2.2.0')).status).toBe(201);
    const published = await call('/v1/modules/acme-mods/demo/aws/versions', { token: owner.token });
    expect(published.json().modules[0].versions.map((v: { version: string }) => v.version).sort()).toEqual(['1.0.0', '2.0.0', '2.1.0', '2.2.0']);
  });
});
