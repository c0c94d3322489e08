import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../errors';
import { isExcludedFromConfiguration, packConfiguration } from './configuration-archive';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-cli-config-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function tree(files: Record<string, string>, name = 'config'): Promise<string> {
  const root = join(work, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

async function names(dir: string): Promise<string[]> {
  const reader = extract();
  reader.end(gunzipSync(await buffer((await packConfiguration(dir)).archive)));
  const out = [];
  for await (const entry of reader) {
    out.push(entry.header.name);
    entry.resume();
  }
  return out;
}

describe('packConfiguration', () => {
  it('packs the configuration and leaves out VCS data, the working directory and local state in every form', async () => {
    const dir = await tree({
      'main.tf': 'resource "terraform_data" "x" {}\n',
      '.terraform.lock.hcl': '# lock\n',
      'modules/net/main.tf': 'variable "x" {}\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.terraform/providers/p': 'binary',
      'terraform.tfstate': '{"secret":1}',
      'terraform.tfstate.backup': '{"secret":1}',
      'terraform.tfstate.1700000000.backup': '{"secret":1}',
      '.terraform.tfstate.lock.info': '{}',
      'terraform.tfstate.d/dev/terraform.tfstate': '{"secret":1}',
      'modules/net/terraform.tfstate': '{"secret":1}',
    });
    expect(await names(dir)).toEqual(['.terraform.lock.hcl', 'main.tf', 'modules/', 'modules/net/', 'modules/net/main.tf']);
  });

  it('refuses a symbolic link, and a directory with nothing to upload', async () => {
    const dir = await tree({ 'main.tf': '' });
    await symlink('/etc/passwd', join(dir, 'passwd.tf'));
    await expect(packConfiguration(dir)).rejects.toThrow(/passwd\.tf is a symbolic link/);

    const empty = await tree({}, 'empty');
    await writeFile(join(empty, 'terraform.tfstate'), '{}');
    const failure = await packConfiguration(empty).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CliError);
    expect((failure as Error).message).toMatch(/^nothing to upload/);
  });

  it('keeps names that only resemble state files', () => {
    expect(isExcludedFromConfiguration('tfstate.tf')).toBe(false);
    expect(isExcludedFromConfiguration('state.tf')).toBe(false);
    expect(isExcludedFromConfiguration('prod.tfstate')).toBe(true);
  });
});
