import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateSecret } from './bootstrap';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-secret-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadOrCreateSecret', () => {
  it('gives every concurrent caller the same whole secret (processes sharing a data dir start at once)', async () => {
    for (let round = 0; round < 20; round++) {
      const file = join(dir, `secret-${round}`);
      const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateSecret(file)));
      expect(new Set(secrets).size, `round ${round}: ${JSON.stringify(secrets)}`).toBe(1);
      expect(secrets[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    // No temp file is left beside the secrets.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
