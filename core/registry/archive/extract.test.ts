import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArtifact } from '../../errors';
import { defaultExtractLimits, detectArchiveFormat, extractArchive, type ArchiveFormat, type ExtractLimits } from './index';
import { patchZip, understateSizes, writeGzip, writeTarGz, writeZip, zeros, type TarEntry } from './test-archives';

let work: string;
let dest: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-extract-'));
  dest = join(work, 'tree');
  await mkdir(dest);
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const smallLimits: ExtractLimits = { maxUncompressedBytes: 1024 * 1024, maxEntries: 100 };

function extract(file: string, format: ArchiveFormat, limits = defaultExtractLimits, signal?: AbortSignal) {
  return extractArchive({ file, format, destDir: dest, limits, signal });
}

async function expectRejected(file: string, format: ArchiveFormat, code: string, limits = defaultExtractLimits) {
  const failure = await extract(file, format, limits).then(
    () => null,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(InvalidArtifact);
  expect(failure).toMatchObject({ code, kind: 'invalid_artifact' });
  expect(await readdir(dest)).toEqual([]);
  return failure as InvalidArtifact;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

const MiB = 1024 * 1024;

/** Aborts as soon as the first file appears, then expects the abort reason and an empty destination. */
async function expectAbortedMidway(file: string, format: ArchiveFormat) {
  const controller = new AbortController();
  const running = extract(file, format, defaultExtractLimits, controller.signal);
  while (!(await readdir(dest)).includes('main.tf')) await new Promise((resolve) => setImmediate(resolve));
  controller.abort(new Error('cancelled by test'));
  await expect(running).rejects.toThrow('cancelled by test');
  expect(await readdir(dest)).toEqual([]);
}

describe('detectArchiveFormat', () => {
  it('recognises gzip and zip magic bytes and nothing else', () => {
    expect(detectArchiveFormat(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe('tar.gz');
    expect(detectArchiveFormat(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe('zip');
    expect(detectArchiveFormat(Buffer.from([0x50, 0x4b, 0x05, 0x06]))).toBe('zip');
    expect(detectArchiveFormat(Buffer.from('ustar\0'))).toBeNull();
    expect(detectArchiveFormat(Buffer.from([0x50, 0x4b]))).toBeNull();
    expect(detectArchiveFormat(Buffer.alloc(0))).toBeNull();
  });
});

describe('extractArchive: tar.gz', () => {
  it('writes files and directories with normalised modes, keeping a wrapper directory', async () => {
    const file = join(work, 'm.tar.gz');
    await writeTarGz(file, [
      { name: 'repo-abc123/', type: 'directory', mode: 0o700 },
      { name: 'repo-abc123/main.tf', content: 'variable "a" {}\n', mode: 0o600 },
      { name: './repo-abc123/scripts/run.sh', content: '#!/bin/sh\n', mode: 0o700 },
      { name: 'repo-abc123/modules/vpc/main.tf', content: '', mode: 0o664 },
    ]);
    const result = await extract(file, 'tar.gz');
    expect(result).toEqual({ files: 3, directories: 4, bytes: 26 });
    const root = join(dest, 'repo-abc123');
    expect(await readFile(join(root, 'main.tf'), 'utf8')).toBe('variable "a" {}\n');
    expect(await readFile(join(root, 'scripts/run.sh'), 'utf8')).toBe('#!/bin/sh\n');
    expect(await mode(join(root, 'main.tf'))).toBe(0o644);
    expect(await mode(join(root, 'scripts/run.sh'))).toBe(0o755);
    expect(await mode(join(root, 'modules/vpc/main.tf'))).toBe(0o644);
    expect(await mode(root)).toBe(0o755);
  });

  it.each([
    ['a parent escape', '../evil'],
    ['an absolute path', '/etc/passwd'],
    ['an escape after a directory', 'a/../../x'],
    ['a harmless-looking ..', 'a/../b'],
    ['a Windows drive path', 'C:\\x'],
    ['a UNC path', '\\\\server\\share\\x'],
    ['backslash traversal', 'a\\..\\..\\x'],
  ])('rejects %s (%s) and leaves nothing behind', async (_, name) => {
    const file = join(work, 'evil.tar.gz');
    await writeTarGz(file, [{ name: 'ok.tf', content: 'x' }, { name, content: 'pwned' }]);
    const err = await expectRejected(file, 'tar.gz', 'archive_path_traversal');
    expect(err.message).toContain(JSON.stringify(name));
  });

  it('rejects a symbolic link, even one placed before a file written through it', async () => {
    const file = join(work, 'link.tar.gz');
    await writeTarGz(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'etc', type: 'symlink', linkname: '/etc' },
      { name: 'etc/pwned', content: 'x' },
    ]);
    await expectRejected(file, 'tar.gz', 'archive_link');
  });

  it('rejects a hard link', async () => {
    const file = join(work, 'hard.tar.gz');
    await writeTarGz(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'passwd', type: 'link', linkname: '/etc/passwd' },
    ]);
    const err = await expectRejected(file, 'tar.gz', 'archive_link');
    expect(err.message).toContain('hard link');
  });

  it.each([
    ['character-device', { type: 'character-device', devmajor: 1, devminor: 3 }],
    ['block-device', { type: 'block-device', devmajor: 8, devminor: 0 }],
    ['fifo', { type: 'fifo' }],
  ] as const)('rejects a %s', async (_, header) => {
    const file = join(work, 'dev.tar.gz');
    await writeTarGz(file, [{ name: 'ok.tf', content: 'x' }, { name: 'null', ...header }]);
    await expectRejected(file, 'tar.gz', 'archive_special_file');
  });

  it('rejects a second entry for the same path', async () => {
    const file = join(work, 'dup.tar.gz');
    await writeTarGz(file, [
      { name: 'main.tf', content: 'first' },
      { name: './main.tf', content: 'second' },
    ]);
    await expectRejected(file, 'tar.gz', 'archive_duplicate_entry');
  });

  it('rejects a file that needs an earlier file to be a directory', async () => {
    const file = join(work, 'conflict.tar.gz');
    await writeTarGz(file, [
      { name: 'a', content: 'file' },
      { name: 'a/b', content: 'under a file' },
    ]);
    await expectRejected(file, 'tar.gz', 'archive_path_conflict');
  });

  it('stops a 1 GiB gzip bomb at the size limit', async () => {
    const file = join(work, 'bomb.tar.gz');
    const gib = 1024 * 1024 * 1024;
    await writeTarGz(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'zeros.bin', size: gib, content: () => zeros(gib) },
    ]);
    expect((await stat(file)).size).toBeLessThan(10 * 1024 * 1024);
    await expectRejected(file, 'tar.gz', 'archive_too_large', smallLimits);
  }, 60_000);

  it('counts the bytes of many files towards the size limit', async () => {
    const file = join(work, 'many-bytes.tar.gz');
    const chunk = Buffer.alloc(300 * 1024, 0x61);
    await writeTarGz(file, [1, 2, 3, 4].map((i) => ({ name: `f${i}.txt`, content: chunk })));
    await expectRejected(file, 'tar.gz', 'archive_too_large', smallLimits);
  });

  it('rejects more entries than the limit allows', async () => {
    const file = join(work, 'many.tar.gz');
    await writeTarGz(file, Array.from({ length: 6 }, (_, i): TarEntry => ({ name: `f${i}.tf`, content: '' })));
    await expectRejected(file, 'tar.gz', 'archive_too_many_entries', { ...smallLimits, maxEntries: 5 });
    await expect(extract(file, 'tar.gz', { ...smallLimits, maxEntries: 6 })).resolves.toMatchObject({ files: 6 });
  });

  it('rejects a truncated archive', async () => {
    const file = join(work, 'cut.tar.gz');
    await writeTarGz(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'big.bin', content: Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)) },
    ]);
    await truncate(file, Math.floor((await stat(file)).size / 2));
    await expectRejected(file, 'tar.gz', 'archive_corrupt');
  });

  it('rejects a gzip that does not hold a tar', async () => {
    const file = join(work, 'plain.gz');
    await writeGzip(file, Buffer.from('just some text, not a tar archive\n'.repeat(40)));
    const err = await expectRejected(file, 'tar.gz', 'archive_corrupt');
    expect(err.message).toContain('not a tar archive');
  });

  it('rejects bytes that are not gzip at all', async () => {
    const file = join(work, 'fake.tar.gz');
    await writeFile(file, 'definitely not gzip');
    await expectRejected(file, 'tar.gz', 'archive_corrupt');
  });

  it('never writes through a symlink already in the destination', async () => {
    const outside = join(work, 'outside.txt');
    await writeFile(outside, 'untouched');
    await symlink(outside, join(dest, 'main.tf'));
    const file = join(work, 'm.tar.gz');
    await writeTarGz(file, [{ name: 'main.tf', content: 'overwritten' }]);
    await expectRejected(file, 'tar.gz', 'archive_path_conflict');
    expect(await readFile(outside, 'utf8')).toBe('untouched');
  });

  it('does not start when the signal is already aborted', async () => {
    const file = join(work, 'm.tar.gz');
    await writeTarGz(file, [{ name: 'main.tf', content: 'x' }]);
    const controller = new AbortController();
    controller.abort(new Error('cancelled by test'));
    await expect(extract(file, 'tar.gz', defaultExtractLimits, controller.signal)).rejects.toThrow('cancelled by test');
    expect(await readdir(dest)).toEqual([]);
  });

  it('stops part-way when the caller aborts and removes what was written', async () => {
    const file = join(work, 'm.tar.gz');
    await writeTarGz(file, [{ name: 'main.tf', content: 'x' }, { name: 'zeros.bin', size: 64 * MiB, content: () => zeros(64 * MiB) }]);
    await expectAbortedMidway(file, 'tar.gz');
  }, 30_000);
});

describe('extractArchive: zip', () => {
  it('writes files and directories with normalised modes', async () => {
    const file = join(work, 'm.zip');
    await writeZip(file, [
      { name: 'main.tf', content: 'output "x" { value = 1 }\n', mode: 0o100600 },
      { name: 'bin/tool', content: 'exec', mode: 0o100750 },
      { name: 'modules/vpc/main.tf', content: '' },
      { name: 'empty', directory: true },
    ]);
    const result = await extract(file, 'zip');
    expect(result).toEqual({ files: 3, directories: 4, bytes: 29 });
    expect(await readFile(join(dest, 'main.tf'), 'utf8')).toBe('output "x" { value = 1 }\n');
    expect(await mode(join(dest, 'main.tf'))).toBe(0o644);
    expect(await mode(join(dest, 'bin/tool'))).toBe(0o755);
    expect(await readdir(join(dest, 'empty'))).toEqual([]);
    expect(await mode(join(dest, 'empty'))).toBe(0o755);
  });

  it('accepts an empty zip', async () => {
    const file = join(work, 'empty.zip');
    await writeZip(file, []);
    expect(detectArchiveFormat(await readFile(file))).toBe('zip');
    await expect(extract(file, 'zip')).resolves.toEqual({ files: 0, directories: 0, bytes: 0 });
  });

  it.each([
    ['a parent escape', 'xx/evil', '../evil'],
    ['an absolute path', 'xetc/passwd', '/etc/passwd'],
    ['an escape after a directory', 'a/xx/xx/x', 'a/../../x'],
    ['backslash traversal', 'a/xx/xx/x', 'a\\..\\..\\x'],
    ['a Windows drive path', 'Cxxx', 'C:\\x'],
    ['a NUL byte', 'okxtf', 'ok\0tf'],
  ])('rejects %s', async (_, placeholder, name) => {
    const file = join(work, 'evil.zip');
    await writeZip(file, [{ name: 'ok.tf', content: 'x' }, { name: placeholder, content: 'pwned' }], { [placeholder]: name });
    await expectRejected(file, 'zip', 'archive_path_traversal');
  });

  it('rejects a symbolic link marked in the external attributes', async () => {
    const file = join(work, 'link.zip');
    await writeZip(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'etc', content: '/etc', mode: 0o120777 },
    ]);
    await expectRejected(file, 'zip', 'archive_link');
  });

  it('rejects a device file marked in the external attributes', async () => {
    const file = join(work, 'dev.zip');
    await writeZip(file, [
      { name: 'ok.tf', content: 'x' },
      { name: 'null', content: '', mode: 0o020666 },
    ]);
    await expectRejected(file, 'zip', 'archive_special_file');
  });

  it('rejects a second entry for the same path', async () => {
    const file = join(work, 'dup.zip');
    await writeZip(file, [
      { name: 'main.tf', content: 'first' },
      { name: 'mainxtf', content: 'second' },
    ], { mainxtf: 'main.tf' });
    await expectRejected(file, 'zip', 'archive_duplicate_entry');
  });

  it('stops a zip bomb at the size limit', async () => {
    const file = join(work, 'bomb.zip');
    await writeZip(file, [{ name: 'zeros.bin', content: () => zeros(64 * MiB) }]);
    await expectRejected(file, 'zip', 'archive_too_large', smallLimits);
  }, 30_000);

  it('rejects an entry that inflates past the size its directory claims', async () => {
    const file = join(work, 'liar.zip');
    await writeZip(file, [{ name: 'ok.tf', content: 'x' }, { name: 'zeros.bin', content: () => zeros(4 * 1024 * 1024) }]);
    await patchZip(file, (bytes) => understateSizes(bytes, 1));
    await expectRejected(file, 'zip', 'archive_corrupt', smallLimits);
  });

  it('rejects an entry whose compressed data is damaged', async () => {
    const file = join(work, 'damaged.zip');
    await writeZip(file, [{ name: 'main.tf', content: 'variable "x" {}\n'.repeat(500) }]);
    // The entry's deflate data starts after the 30-byte local header and the 7-byte name.
    await patchZip(file, (bytes) => bytes.fill(0xff, 30 + 7, 30 + 7 + 16));
    await expectRejected(file, 'zip', 'archive_corrupt');
  });

  it('stops part-way when the caller aborts and removes what was written', async () => {
    const file = join(work, 'm.zip');
    await writeZip(file, [{ name: 'main.tf', content: 'x' }, { name: 'zeros.bin', content: () => zeros(64 * MiB) }]);
    await expectAbortedMidway(file, 'zip');
  }, 30_000);

  it('rejects more entries than the limit allows before extracting any', async () => {
    const file = join(work, 'many.zip');
    await writeZip(file, Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.tf`, content: '' })));
    await expectRejected(file, 'zip', 'archive_too_many_entries', { ...smallLimits, maxEntries: 5 });
  });

  it('rejects a truncated zip and bytes that are not a zip', async () => {
    const file = join(work, 'cut.zip');
    await writeZip(file, [{ name: 'main.tf', content: 'x'.repeat(5000) }]);
    await truncate(file, Math.floor((await stat(file)).size / 2));
    await expectRejected(file, 'zip', 'archive_corrupt');

    const tarGz = join(work, 'm.tar.gz');
    await writeTarGz(tarGz, [{ name: 'main.tf', content: 'x' }]);
    await expectRejected(tarGz, 'zip', 'archive_corrupt');
  });
});
