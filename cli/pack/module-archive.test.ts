import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultExtractLimits, extractArchive } from '../../core/registry/archive';
import { CliError } from '../errors';
import { ARCHIVE_MTIME, packModule } from './module-archive';

let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-cli-pack-'));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Writes files (path → content, or { content, mode }) under a new directory `name` of the work dir. */
async function tree(name: string, files: Record<string, string | { content: string; mode: number }>): Promise<string> {
  const root = join(work, name);
  await mkdir(root, { recursive: true });
  for (const [path, spec] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(path.endsWith('/') ? file : dirname(file), { recursive: true });
    if (path.endsWith('/')) continue;
    const { content, mode } = typeof spec === 'string' ? { content: spec, mode: 0o644 } : spec;
    await writeFile(file, content);
    await chmod(file, mode);
  }
  return root;
}

async function archiveOf(dir: string): Promise<Buffer> {
  const { archive } = await packModule(dir);
  return buffer(archive);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readEntries(archive: Buffer): Promise<{ header: Header; content: string }[]> {
  const reader = extract();
  reader.end(gunzipSync(archive));
  const entries = [];
  for await (const entry of reader) entries.push({ header: entry.header, content: (await buffer(entry)).toString('utf8') });
  return entries;
}

const MODULE = {
  'main.tf': 'resource "null_resource" "x" {}\n',
  'variables.tf': 'variable "name" {}\n',
  'scripts/run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  'modules/sub/main.tf': 'output "x" { value = 1 }\n',
  'empty/': '',
};

describe('packModule', () => {
  it('produces byte-identical archives for the same tree, whatever the mtimes, permissions or creation order', async () => {
    const first = await tree('first', MODULE);
    const before = sha256(await archiveOf(first));

    await utimes(join(first, 'main.tf'), new Date('2001-02-03'), new Date('2001-02-03'));
    await utimes(join(first, 'modules/sub'), new Date('2019-05-06'), new Date('2019-05-06'));
    await chmod(join(first, 'variables.tf'), 0o600);
    expect(sha256(await archiveOf(first))).toBe(before);

    const reversed = Object.fromEntries(Object.entries(MODULE).reverse());
    const second = await tree('second', reversed);
    expect(sha256(await archiveOf(second))).toBe(before);
  });

  it('changes when a content or an exec bit changes', async () => {
    const dir = await tree('m', MODULE);
    const before = sha256(await archiveOf(dir));
    await chmod(join(dir, 'main.tf'), 0o755);
    const executable = sha256(await archiveOf(dir));
    expect(executable).not.toBe(before);
    await chmod(join(dir, 'main.tf'), 0o644);
    await writeFile(join(dir, 'variables.tf'), 'variable "other" {}\n');
    expect(sha256(await archiveOf(dir))).not.toBe(before);
  });

  it('writes directories and files in bytewise name order with normalised headers', async () => {
    const dir = await tree('m', { ...MODULE, 'B.tf': '', 'a-b.tf': '', 'a/x.tf': '', 'é.tf': '', 'Z/y.tf': '' });
    const entries = await readEntries(await archiveOf(dir));
    // Bytewise: uppercase before lowercase, '-' (0x2d) before '/' (0x2f), non-ASCII last. Locale order differs.
    expect(entries.map((e) => e.header.name)).toEqual([
      'B.tf',
      'Z/',
      'Z/y.tf',
      'a-b.tf',
      'a/',
      'a/x.tf',
      'empty/',
      'main.tf',
      'modules/',
      'modules/sub/',
      'modules/sub/main.tf',
      'scripts/',
      'scripts/run.sh',
      'variables.tf',
      'é.tf',
    ]);
    for (const { header } of entries) {
      expect(header).toMatchObject({ uid: 0, gid: 0, uname: '', gname: '' });
      expect(header.mtime?.getTime()).toBe(ARCHIVE_MTIME.getTime());
    }
    const modes = Object.fromEntries(entries.map((e) => [e.header.name, [e.header.type, e.header.mode]]));
    expect(modes['scripts/']).toEqual(['directory', 0o755]);
    expect(modes['scripts/run.sh']).toEqual(['file', 0o755]);
    expect(modes['main.tf']).toEqual(['file', 0o644]);
    expect(modes['empty/']).toEqual(['directory', 0o755]);
  });

  it('leaves out VCS data, Terraform working directories, state files and .DS_Store', async () => {
    const dir = await tree('m', {
      'main.tf': 'x',
      '.git/config': '[core]',
      '.git/objects/ab/cdef': 'blob',
      '.terraform/providers/p': 'binary',
      'terraform.tfstate': '{"secret": true}',
      'terraform.tfstate.backup': '{"secret": true}',
      'envs/prod.tfstate': '{}',
      'sub/.DS_Store': 'junk',
      'sub/.git': 'gitdir: ../.git/modules/sub',
      'sub/notes.tfstate.md': 'kept: only the exact suffixes are excluded',
      '.gitignore': 'kept',
    });
    // Terraform links local modules into .terraform; an excluded directory is not looked into.
    await symlink(join(dir, 'sub'), join(dir, '.terraform/modules'));
    const names = (await readEntries(await archiveOf(dir))).map((e) => e.header.name);
    expect(names).toEqual(['.gitignore', 'envs/', 'main.tf', 'sub/', 'sub/notes.tfstate.md']);
  });

  it('refuses a symbolic link, naming it', async () => {
    const dir = await tree('m', { 'main.tf': 'x', 'modules/a/main.tf': 'y' });
    await symlink('../main.tf', join(dir, 'modules/link.tf'));
    const failure = await packModule(dir).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toMatch(/^modules\/link\.tf is a symbolic link/);
  });

  it('refuses a symbolic link to a directory', async () => {
    const dir = await tree('m', { 'main.tf': 'x', 'real/main.tf': 'y' });
    await symlink('real', join(dir, 'alias'));
    await expect(packModule(dir)).rejects.toThrow(/alias is a symbolic link/);
  });

  it('refuses a tree with nothing to publish', async () => {
    const dir = await tree('m', { '.git/config': 'x', 'empty/': '' });
    await expect(packModule(dir)).rejects.toThrow(/nothing to publish/);
  });

  it('extracts, with the registry’s own extractor, to the same files and exec bits', async () => {
    const dir = await tree('m', MODULE);
    const file = join(work, 'module.tar.gz');
    await writeFile(file, await archiveOf(dir));
    const dest = join(work, 'extracted');
    await mkdir(dest);
    const result = await extractArchive({ file, format: 'tar.gz', destDir: dest, limits: defaultExtractLimits });
    expect(result.files).toBe(4);
    for (const [path, spec] of Object.entries(MODULE)) {
      const extracted = join(dest, path);
      if (path.endsWith('/')) {
        expect((await stat(extracted)).isDirectory()).toBe(true);
        continue;
      }
      const { content, mode } = typeof spec === 'string' ? { content: spec, mode: 0o644 } : spec;
      expect(await readFile(extracted, 'utf8')).toBe(content);
      expect((await stat(extracted)).mode & 0o111).toBe(mode & 0o111);
    }
  });
});
