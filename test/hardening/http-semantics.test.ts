import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { publishTestProvider } from '../fixtures/publish';
import { TEST_PROVIDER } from '../fixtures/provider-release';
import { clientFor, type TestResponse } from '../harness/http';
import { MIRROR_ALIAS, startPlatform, type Platform } from '../harness/platform';

// Issue 8 "HTTP semantics" and issue 7 "answers are deterministic", on the protocol reads of a real platform.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
const { namespace, type, version } = TEST_PROVIDER;
const findPackage = `/v1/providers/${namespace}/${type}/${version}/download/linux/amd64`;

beforeAll(async () => {
  platform = await startPlatform();
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-http-'));
  // Published out of order, so a listing in insertion order would differ from the sorted one.
  for (const v of ['1.2.0', '1.10.0', '1.9.0-beta', '1.9.0']) {
    const { bytes } = await writeDemoModule(work, v);
    const res = await call(`/api/v1/modules/acme/demo/aws/${v}?wait=true`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/gzip' } });
    expect(res.status, res.body.toString()).toBe(201);
  }
  await publishTestProvider(call, work);
}, 300_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => call(path, { token: null, headers, method });

describe('Accept-Encoding is negotiated', () => {
  it('gzip when preferred, with its own ETag and Vary; the uncoded body otherwise (q=0 honoured)', async () => {
    const plain = await get(findPackage);
    expect(plain.status).toBe(200);
    expect(plain.body.length).toBeGreaterThan(1024); // an armored key makes find-a-package worth compressing
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');

    const zipped = await get(findPackage, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);

    const cases: [string, boolean][] = [
      ['gzip, deflate', true],
      ['identity;q=0, gzip', true],
      ['*', true],
      ['gzip;q=0', false],
      ['gzip;q=0, identity', false],
      ['gzip;q=0.5, identity;q=1', false],
      ['br', false],
      ['*;q=0', false], // nothing acceptable: the uncoded body (RFC 9110 §12.5.3), not an error
      ['', false],
    ];
    for (const [accept, gzip] of cases) {
      const res = await get(findPackage, { 'accept-encoding': accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(gzip ? 'gzip' : undefined);
      expect(res.headers.etag, accept).toBe(gzip ? zipped.headers.etag : plain.headers.etag);
    }
  });
});

describe('If-None-Match', () => {
  it('matches lists, weak tags and *, against the representation being sent', async () => {
    const plain = await get(findPackage);
    const zipped = await get(findPackage, { 'accept-encoding': 'gzip' });
    const etag = plain.headers.etag!;
    const notModified = (headers: Record<string, string>): Promise<TestResponse> => get(findPackage, headers);
    for (const inm of [etag, `"nope", ${etag}`, `W/${etag}`, `"a","b" ,W/${etag}`, '*']) {
      const res = await notModified({ 'if-none-match': inm });
      expect(res.status, inm).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers.vary).toBe('Accept-Encoding');
    }
    expect((await notModified({ 'if-none-match': '"nope", W/"other"' })).status).toBe(200);
    // The uncoded representation's tag does not validate the gzip one, and the reverse.
    expect((await notModified({ 'if-none-match': etag, 'accept-encoding': 'gzip' })).status).toBe(200);
    expect((await notModified({ 'if-none-match': zipped.headers.etag!, 'accept-encoding': 'gzip' })).status).toBe(304);
    expect((await notModified({ 'if-none-match': zipped.headers.etag! })).status).toBe(200);
  });
});

describe('download counting', () => {
  it('counts GETs answered in full, not HEAD nor 304 revalidations', async () => {
    // A platform no other test reads, so its count is this test's alone.
    const path = `/v1/providers/${namespace}/${type}/${version}/download/darwin/arm64`;
    const platformId = (await platform.db('provider_platforms').where({ os: 'darwin', arch: 'arm64' }).first('id'))!.id;
    const total = async () =>
      Number((await platform.db('download_counts').where({ kind: 'provider', version_id: platformId }).sum({ n: 'count' }).first())?.n ?? 0);
    const first = await get(path);
    expect(first.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await get(path, {}, 'HEAD')).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await get(path, { 'if-none-match': first.headers.etag! })).status).toBe(304);
    expect((await get(path, { 'accept-encoding': 'gzip' })).status).toBe(200);
    // The counter flushes in one batch a few seconds after the first count.
    const deadline = Date.now() + 20_000;
    while ((await total()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(await total()).toBe(2);
  });
});

describe('Range on blob downloads', () => {
  it('206 for one range, 416 outside the file, the whole file otherwise', async () => {
    const url = (await get(findPackage)).json().download_url as string;
    const whole = await get(url);
    expect(whole.status).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    const size = whole.body.length;

    const first = await get(url, { range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-9/${size}`);
    expect(first.headers['content-length']).toBe('10');
    expect(first.body.equals(whole.body.subarray(0, 10))).toBe(true);

    const tail = await get(url, { range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(whole.body.subarray(size - 5))).toBe(true);

    const open = await get(url, { range: `bytes=${size - 3}-` });
    expect(open.status).toBe(206);
    expect(open.headers['content-range']).toBe(`bytes ${size - 3}-${size - 1}/${size}`);

    const head = await get(url, { range: 'bytes=0-9' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe('10');
    expect(head.body.length).toBe(0);

    const outside = await get(url, { range: `bytes=${size}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe(`bytes */${size}`);
    expect(outside.json().error.code).toBe('range_not_satisfiable');

    for (const range of ['bytes=abc', 'items=0-1', 'bytes=0-1,5-6']) {
      const res = await get(url, { range });
      expect(res.status, range).toBe(200);
      expect(res.body.equals(whole.body), range).toBe(true);
    }
  });
});

describe('404s name no configured host', () => {
  it('the mirror refuses an unknown origin, and misses, without listing its hostnames', async () => {
    const publicHost = new URL(platform.url).host;
    const answers = [
      await get(`/v1/mirror/elsewhere.example/${namespace}/${type}/index.json`),
      await get(`/v1/mirror/${MIRROR_ALIAS}/nobody/nothing/index.json`),
      await get(`/v1/mirror/${MIRROR_ALIAS}/${namespace}/${type}/9.9.9.json`),
      await get(`/v1/providers/nobody/nothing/versions`),
      await get(`/v1/modules/nobody/nothing/aws/versions`),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.json().error.code).toBe('not_found');
      const text = res.body.toString();
      expect(text).not.toContain(publicHost);
    }
    // The refused origin's answer names the origin asked for, never the ones served.
    expect(answers[0]!.body.toString()).toContain('elsewhere.example');
    expect(answers[0]!.body.toString()).not.toContain(MIRROR_ALIAS);
  });
});

describe('answers are deterministic', () => {
  it('version lists come sorted, and bodies and ETags are the same after the cache is rebuilt from reordered rows', async () => {
    const paths = [
      '/v1/modules/acme/demo/aws/versions',
      `/v1/providers/${namespace}/${type}/versions`,
      `/v1/mirror/${MIRROR_ALIAS}/${namespace}/${type}/index.json`,
    ];
    const first = await Promise.all(paths.map((p) => get(p)));
    expect(first[0]!.json().modules[0].versions.map((v: { version: string }) => v.version)).toEqual(['1.10.0', '1.9.0', '1.9.0-beta', '1.2.0']);
    // Rewriting every row moves it in the heap: a listing that relied on the physical order would change.
    await platform.db.raw('UPDATE module_versions SET downloads = downloads');
    await platform.db.raw('UPDATE provider_platforms SET downloads = downloads');
    await platform.db.raw('VACUUM FULL module_versions');
    platform.api.cache.clear(); // what a restart does to the cache
    const again = await Promise.all(paths.map((p) => get(p)));
    for (let i = 0; i < paths.length; i++) {
      expect(again[i]!.headers.etag, paths[i]).toBe(first[i]!.headers.etag);
      expect(again[i]!.body.equals(first[i]!.body), paths[i]).toBe(true);
    }
  });
});
