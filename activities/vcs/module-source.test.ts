import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultExtractLimits, extractArchive } from '../../core/registry/archive';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import { wrappedTarGz } from '../../test/vcs/stand-ins/archives';
import { repackModuleSource } from './module-source';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-repack-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const files = { 'README.md': 'repo readme', 'modules/net/main.tf': 'output "x" { value = 1 }\n', 'modules/net/sub/main.tf': '' };

async function repack(name: string, input: { archive: Buffer; wrapped: boolean; subdirectory: string | null }) {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'in.tar.gz'), input.archive);
  return repackModuleSource({ file: join(dir, 'in.tar.gz'), format: 'tar.gz', wrapped: input.wrapped, subdirectory: input.subdirectory, workDir: dir, limits: defaultExtractLimits });
}

describe('re-packing a provider archive as a module archive', () => {
  it('strips the wrapper directory, selects the subdirectory, and packs reproducibly', async () => {
    const archive = await wrappedTarGz(files, 'acme-infra-1234567', 'f'.repeat(40));
    const one = await repack('one', { archive, wrapped: true, subdirectory: 'modules/net' });
    const two = await repack('two', { archive, wrapped: true, subdirectory: 'modules/net' });
    const hash = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
    expect(await hash(one.file)).toBe(await hash(two.file));
    const out = join(work, 'out');
    await mkdir(out);
    await extractArchive({ file: one.file, format: 'tar.gz', destDir: out, limits: defaultExtractLimits });
    expect(await readFile(join(out, 'main.tf'), 'utf8')).toContain('output "x"');
    await expect(readFile(join(out, 'README.md'))).rejects.toThrow();
  });

  it('refuses a missing subdirectory and an archive without the expected wrapper', async () => {
    const archive = await wrappedTarGz(files, 'acme-infra-1234567', 'f'.repeat(40));
    await expect(repack('missing', { archive, wrapped: true, subdirectory: 'modules/storage' })).rejects.toMatchObject({ code: 'vcs_subdirectory_missing' });
    await expect(repack('file-not-dir', { archive, wrapped: true, subdirectory: 'README.md' })).rejects.toMatchObject({ code: 'vcs_subdirectory_missing' });
    // Where the provider always adds a wrapper, an archive with several top-level entries is not what it claims.
    await writeTarGz(join(work, 'flat.tar.gz'), [
      { name: 'main.tf', content: '' },
      { name: 'README.md', content: '' },
    ]);
    const flat = await readFile(join(work, 'flat.tar.gz'));
    await expect(repack('flat', { archive: flat, wrapped: true, subdirectory: null })).rejects.toMatchObject({ code: 'vcs_archive_layout' });
  });
});
