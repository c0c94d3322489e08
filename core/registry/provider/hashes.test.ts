import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hash1, sha256File, zhFromSha256 } from './hashes';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-hashes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('zhFromSha256', () => {
  it('prefixes the lowercase hex digest', () => {
    expect(zhFromSha256('AB'.repeat(32))).toBe(`zh:${'ab'.repeat(32)}`);
  });

  it('rejects something that is not a sha256', () => {
    expect(() => zhFromSha256('abc')).toThrow(expect.objectContaining({ code: 'shasum_invalid' }));
  });
});

describe('sha256File', () => {
  it('hashes the file contents', async () => {
    const file = join(dir, 'hello.txt');
    await writeFile(file, 'hello\n');
    // `printf 'hello\n' | sha256sum`
    expect(await sha256File(file)).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  });
});

describe('hash1', () => {
  it('matches the value Go dirhash.Hash1 computes for the same files', () => {
    // Reference value printed by golang.org/x/mod v0.21.0 `dirhash.HashZip(zip, dirhash.Hash1)` for a zip of
    // exactly these five files. The names include characters whose UTF-16 order differs from their UTF-8 order.
    const files = {
      'terraform-provider-demo_v1.0.0': '#!/bin/sh\necho demo\n',
      LICENSE: 'MIT\n',
      'docs/README.md': '# demo\n',
      '\uff5e.txt': 'wide\n',
      '\u{1F600}.txt': 'smile\n',
    };
    const entries = Object.entries(files).map(([name, content]) => ({ name, sha256: sha256(content) }));
    expect(hash1(entries)).toBe('h1:Pg+lOj9HHQNpyaji6GebWp9QXHLCRaXG5k+u+KiyIII=');
  });

  it('does not depend on the order files are given in', () => {
    const files = [
      { name: 'b', sha256: sha256('b') },
      { name: 'a', sha256: sha256('a') },
    ];
    expect(hash1(files)).toBe(hash1([...files].reverse()));
  });
});
