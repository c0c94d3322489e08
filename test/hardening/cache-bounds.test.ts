import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonResponse, ResponseCache, type CachedResponse } from '../../api/protocol/response-cache';
import { createTestDatabase, startPlatform, type Platform } from '../harness/platform';
import { startApiChild } from './api-child';

// Issue 8: 19,000 requests for unknown long paths grew the API from 156 MiB to 1.4 GiB. Every cache is bounded
// by bytes, evicts least recently used entries, and negative answers live in a small budget of their own.

const MiB = 1024 * 1024;

/** Paths an attacker picks: long impossible names, and unknown but valid addresses (which do reach the database). */
function hostilePath(i: number): string {
  const r = randomBytes(24).toString('hex'); // 48 chars, a valid name
  switch (i % 6) {
    case 0:
      return `/v1/modules/${'a'.repeat(4000)}${i}/${'b'.repeat(4000)}/aws/versions`;
    case 1:
      return `/v1/providers/${'p'.repeat(3000)}${i}/${'t'.repeat(3000)}/1.0.0/download/linux/amd64`;
    case 2:
      return `/v1/modules/n${r}/m${r}/aws/versions`;
    case 3:
      return `/v1/modules/n${r}/m${r}/aws/1.0.0-${r}${r}/download`;
    case 4:
      return `/v1/providers/n${r}/t${r.slice(0, 40)}/versions`;
    default:
      return `/v1/mirror/${'h'.repeat(2000)}${i}.example/n${r}/t${r.slice(0, 40)}/index.json`;
  }
}

/** `count` GETs of hostile paths, `concurrency` at a time over keep-alive connections; every answer must be a 404. */
async function flood(baseUrl: string, count: number, concurrency = 32): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  let next = 0;
  const statuses = new Map<number, number>();
  const one = (path: string) =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path, agent }, (res) => {
        statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(hostilePath(next++));
    }),
  );
  agent.destroy();
  expect(Object.fromEntries(statuses)).toEqual({ 404: count });
}

describe('the response cache is bounded by bytes', () => {
  const answer = (size: number, tag: string): CachedResponse => jsonResponse(200, { pad: 'x'.repeat(size) }, { tags: [tag] });
  const missing = (tag: string): CachedResponse => jsonResponse(404, { error: { code: 'not_found', message: 'no' } }, { tags: [tag] });

  it('evicts the least recently used answers, keeps the tag index as small as the entries, and stays within budget', async () => {
    const cache = new ResponseCache({ answerBytes: 256 * 1024, negativeBytes: 16 * 1024 });
    await cache.get('hot', async () => answer(10_000, 'module:a/hot'));
    for (let i = 0; i < 500; i++) {
      await cache.get(`k${i}`, async () => answer(10_000, `module:a/k${i}`));
      expect(cache.peek('hot'), `the hot entry was evicted after ${i} others`).toBeDefined(); // read: most recently used
    }
    const stats = cache.stats();
    expect(stats.answers.bytes).toBeLessThanOrEqual(256 * 1024);
    expect(stats.answers.entries).toBeGreaterThan(10);
    expect(stats.tags).toBe(stats.answers.entries);
    expect(cache.peek('k0')).toBeUndefined();
    expect(cache.peek('k499')).toBeDefined();
    cache.invalidate('module:a/hot');
    expect(cache.peek('hot')).toBeUndefined();
  });

  it('negative answers have their own budget and cannot push answers out', async () => {
    const cache = new ResponseCache({ answerBytes: 256 * 1024, negativeBytes: 16 * 1024 });
    for (let i = 0; i < 10; i++) await cache.get(`real${i}`, async () => answer(5_000, `module:a/r${i}`));
    for (let i = 0; i < 5_000; i++) await cache.get(`unknown${i}-${'x'.repeat(200)}`, async () => missing(`module:x/u${i}`));
    const stats = cache.stats();
    expect(stats.negatives.bytes).toBeLessThanOrEqual(16 * 1024);
    expect(stats.negatives.entries).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) expect(cache.peek(`real${i}`)).toBeDefined();
    expect(stats.tags).toBe(stats.answers.entries + stats.negatives.entries);
  });

  it('an answer larger than the whole budget is served but not kept', async () => {
    const cache = new ResponseCache({ answerBytes: 8 * 1024, negativeBytes: 1024 });
    const big = await cache.get('big', async () => answer(64 * 1024, 'module:a/big'));
    expect(big.status).toBe(200);
    expect(cache.peek('big')).toBeUndefined();
    expect(cache.stats().tags).toBe(0);
  });
});

describe('19,000 requests for unknown long paths', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform();
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('keep the negative answers of a running API within their 1 MiB budget', async () => {
    await flood(platform.url, 19_000);
    const stats = platform.api.cache.stats();
    console.log(`in-process API after 19,000 hostile requests: ${JSON.stringify(stats)}`);
    expect(stats.negatives.bytes).toBeLessThanOrEqual(MiB);
    expect(stats.negatives.entries).toBeGreaterThan(100); // unknown addresses are still cached, within the budget
    expect(stats.answers.bytes).toBeLessThan(64 * 1024);
    expect(stats.tags).toBeLessThanOrEqual(stats.answers.entries + stats.negatives.entries);
  }, 240_000);

  it('do not grow the API process (RSS, measured from outside)', async () => {
    const { url: databaseUrl, db } = await createTestDatabase();
    await db.destroy();
    const api = await startApiChild(databaseUrl);
    try {
      await flood(api.url, 1_000); // warm up: JIT, connection pool, allocator
      const before = await api.rssBytes();
      await flood(api.url, 19_000);
      const after = await api.rssBytes();
      console.log(`API child RSS before ${(before / MiB).toFixed(1)} MiB, after 19,000 hostile requests ${(after / MiB).toFixed(1)} MiB`);
      expect(after - before).toBeLessThan(48 * MiB);
    } finally {
      await api.stop();
    }
  }, 240_000);
});
