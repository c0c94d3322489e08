import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectProviderZip } from './provider-zip';

let dir: string;
let counter = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-provider-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Entry {
  name: string;
  content?: string | Buffer;
  mode?: number;
  directory?: boolean;
}

const EXE = 'terraform-provider-demo_v1.0.0';
const binary = (name = EXE, mode = 0o100755): Entry => ({ name, content: '#!/bin/sh\necho demo\n', mode });

async function zipBytes(entries: Entry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    if (entry.directory) zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(Buffer.from(entry.content ?? ''), entry.name, { mode: entry.mode ?? 0o100644 });
  }
  zip.end();
  return buffer(zip.outputStream);
}

async function writeZip(bytes: Buffer): Promise<string> {
  const file = join(dir, `${++counter}.zip`);
  await writeFile(file, bytes);
  return file;
}

/** yazl refuses unsafe names, so write a safe one of the same length and swap the bytes (headers and directory). */
function rename(bytes: Buffer, from: string, to: Buffer | string): Buffer {
  const search = Buffer.from(from);
  const replacement = Buffer.isBuffer(to) ? to : Buffer.from(to);
  expect(replacement.length).toBe(search.length);
  const out = Buffer.from(bytes);
  let found = 0;
  for (let at = out.indexOf(search); at !== -1; at = out.indexOf(search, at + 1), found++) replacement.copy(out, at);
  expect(found).toBe(2);
  return out;
}

const inspect = (file: string, options: { os?: string; limits?: { maxUncompressedBytes: number; maxEntries: number } } = {}) =>
  inspectProviderZip({ file, type: 'demo', version: '1.0.0', os: options.os ?? 'linux', limits: options.limits });

const rejection = (code: string) => expect.objectContaining({ kind: 'invalid_artifact', code });

// The same five files whose h1 Go's dirhash computed in hashes.test.ts.
const REFERENCE_FILES: Entry[] = [
  binary(),
  { name: 'LICENSE', content: 'MIT\n' },
  { name: 'docs/README.md', content: '# demo\n' },
  { name: '\uff5e.txt', content: 'wide\n' },
  { name: '\u{1F600}.txt', content: 'smile\n' },
];
const REFERENCE_H1 = 'h1:Pg+lOj9HHQNpyaji6GebWp9QXHLCRaXG5k+u+KiyIII=';

describe('inspectProviderZip: hashes', () => {
  it('computes the h1 Go dirhash computes, and finds the executable', async () => {
    const info = await inspect(await writeZip(await zipBytes(REFERENCE_FILES)));
    expect(info).toEqual({ h1: REFERENCE_H1, executable: EXE, uncompressedBytes: 42 });
  });

  it('ignores directory entries, as the clients hash the unpacked files', async () => {
    const withDirectories = [{ name: 'docs/', directory: true }, ...REFERENCE_FILES, { name: 'empty/', directory: true }];
    expect((await inspect(await writeZip(await zipBytes(withDirectories)))).h1).toBe(REFERENCE_H1);
  });

  it('changes when any file content changes', async () => {
    const changed = REFERENCE_FILES.map((e) => (e.name === 'LICENSE' ? { ...e, content: 'MPL\n' } : e));
    expect((await inspect(await writeZip(await zipBytes(changed)))).h1).not.toBe(REFERENCE_H1);
  });
});

describe('inspectProviderZip: layout', () => {
  it.each([
    ['without a version', 'terraform-provider-demo', 'linux'],
    ['with a protocol suffix', 'terraform-provider-demo_v1.0.0_x5', 'linux'],
    ['with .exe on windows', 'terraform-provider-demo_v1.0.0.exe', 'windows'],
  ])('accepts an executable named %s', async (_, name, os) => {
    const file = await writeZip(await zipBytes([binary(name)]));
    expect((await inspect(file, { os })).executable).toBe(name);
  });

  it('accepts a windows executable without Unix permissions', async () => {
    const file = await writeZip(await zipBytes([binary('terraform-provider-demo.exe', 0o100644)]));
    expect((await inspect(file, { os: 'windows' })).executable).toBe('terraform-provider-demo.exe');
  });

  it('rejects an executable inside a directory, saying where it must be', async () => {
    const file = await writeZip(await zipBytes([{ name: 'bin/', directory: true }, binary(`bin/${EXE}`)]));
    await expect(inspect(file)).rejects.toThrow(rejection('provider_zip_layout'));
    await expect(inspect(file)).rejects.toThrow(/root of the zip/);
  });

  it.each([
    ['another version', [binary('terraform-provider-demo_v1.0.1')]],
    ['another provider type', [binary('terraform-provider-other_v1.0.0')]],
    ['.exe for linux', [binary(`${EXE}.exe`)]],
    ['only other files', [{ name: 'README.md', content: 'hi' }]],
    ['two executables', [binary(), binary('terraform-provider-demo')]],
    ['an executable without execute permission', [binary(EXE, 0o100644)]],
  ])('rejects a zip with %s', async (_, entries) => {
    await expect(inspect(await writeZip(await zipBytes(entries)))).rejects.toThrow(rejection('provider_zip_layout'));
  });
});

describe('inspectProviderZip: unsafe entries', () => {
  it.each([
    ['a parent-directory path', 'zz/evil', '../evil'],
    ['an absolute path', 'zevil', '/evil'],
    ['a drive letter', 'zzevil', 'C:evil'],
    ['a backslash', 'zz-evil', 'zz\\evil'],
    ['a dot segment', 'zzz/evil', 'a/./evil'],
    ['an empty segment', 'zzz/evil', 'abc//evl'],
    ['a control character', 'zzevil', 'z\nevil'],
  ])('rejects %s', async (_, safe, unsafe) => {
    const bytes = rename(await zipBytes([binary(), { name: safe, content: 'x' }]), safe, unsafe);
    await expect(inspect(await writeZip(bytes))).rejects.toThrow(rejection('provider_zip_unsafe'));
  });

  it('rejects a name that is not UTF-8', async () => {
    const bytes = rename(await zipBytes([binary(), { name: 'zzzz', content: 'x' }]), 'zzzz', Buffer.from([0x7a, 0xff, 0xfe, 0x7a]));
    await expect(inspect(await writeZip(bytes))).rejects.toThrow(rejection('provider_zip_unsafe'));
  });

  it('rejects a symbolic link', async () => {
    const file = await writeZip(await zipBytes([binary(), { name: 'link', content: '/etc/passwd', mode: 0o120777 }]));
    await expect(inspect(file)).rejects.toThrow(rejection('provider_zip_unsafe'));
  });

  it('rejects a symbolic link posing as the executable', async () => {
    const file = await writeZip(await zipBytes([{ name: EXE, content: '/bin/sh', mode: 0o120777 }]));
    await expect(inspect(file)).rejects.toThrow(rejection('provider_zip_unsafe'));
  });

  it('rejects a file listed twice', async () => {
    const file = await writeZip(await zipBytes([binary(), { name: 'LICENSE', content: 'a' }, { name: 'LICENSE', content: 'b' }]));
    await expect(inspect(file)).rejects.toThrow(rejection('provider_zip_unsafe'));
  });
});

describe('inspectProviderZip: size limits', () => {
  const limits = { maxUncompressedBytes: 1024 * 1024, maxEntries: 10 };

  it('rejects a zip that would unpack past the byte limit (a decompression bomb)', async () => {
    const bomb = await zipBytes([{ ...binary(), content: Buffer.alloc(20 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(inspect(await writeZip(bomb), { limits })).rejects.toThrow(rejection('provider_zip_too_large'));
  });

  it('counts the bytes of all files together', async () => {
    const half = Buffer.alloc(600 * 1024);
    const file = await writeZip(await zipBytes([binary(), { name: 'a', content: half }, { name: 'b', content: half }]));
    await expect(inspect(file, { limits })).rejects.toThrow(rejection('provider_zip_too_large'));
  });

  it('rejects too many entries', async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, content: 'x' }));
    await expect(inspect(await writeZip(await zipBytes([binary(), ...many])), { limits })).rejects.toThrow(
      rejection('provider_zip_too_large'),
    );
  });

  it('does not trust a declared size smaller than the real content', async () => {
    const bytes = await zipBytes([{ ...binary(), content: Buffer.alloc(20 * 1024 * 1024) }]);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(100, central + 24); // uncompressed size in the central directory
    await expect(inspect(await writeZip(bytes), { limits })).rejects.toThrow(rejection('provider_zip_corrupt'));
  });
});

describe('inspectProviderZip: corrupt files', () => {
  it('rejects a file that is not a zip', async () => {
    const file = join(dir, 'not-a.zip');
    await writeFile(file, 'hello, this is text');
    await expect(inspect(file)).rejects.toThrow(rejection('provider_zip_corrupt'));
  });

  it('rejects a truncated zip', async () => {
    const bytes = await zipBytes(REFERENCE_FILES);
    await expect(inspect(await writeZip(bytes.subarray(0, bytes.length - 30)))).rejects.toThrow(
      rejection('provider_zip_corrupt'),
    );
  });

  it('rejects an entry whose content does not match its CRC-32, as the clients would', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('#!/bin/sh\necho demo\n'), EXE, { mode: 0o100755, compress: false });
    zip.end();
    const bytes = await buffer(zip.outputStream);
    const dataStart = 30 + bytes.readUInt16LE(26) + bytes.readUInt16LE(28);
    expect(bytes.subarray(dataStart, dataStart + 9).toString()).toBe('#!/bin/sh');
    bytes[dataStart + 2] = 'X'.charCodeAt(0);
    await expect(inspect(await writeZip(bytes))).rejects.toThrow(rejection('provider_zip_corrupt'));
  });
});
