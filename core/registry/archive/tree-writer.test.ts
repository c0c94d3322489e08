import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { TreeWriter } from './tree-writer';
import { zeros } from './test-archives';

let dest: string;

beforeEach(async () => {
  dest = await mkdtemp(join(tmpdir(), 'strata-writer-'));
});

afterEach(async () => {
  await rm(dest, { recursive: true, force: true });
});

it('counts the bytes actually written, whatever size the header claimed', async () => {
  const writer = new TreeWriter(dest, { maxUncompressedBytes: 1024 * 1024, maxEntries: 10 }, undefined);
  const write = writer.file({ name: 'liar.bin', segments: ['liar.bin'], executable: false, declaredSize: 10, content: zeros(2 * 1024 * 1024) });
  await expect(write).rejects.toMatchObject({ code: 'archive_too_large' });
  expect(writer.bytes).toBeLessThanOrEqual(1024 * 1024);
  await writer.clear();
  expect(await readdir(dest)).toEqual([]);
});
