import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packPlugin } from './plugin-archive';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-cli-plugin-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function tree(files: Record<string, string>, name = 'plugin'): Promise<string> {
  const root = join(work, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

function names(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: false }, (err, file) => {
      if (err) return reject(err);
      const out: string[] = [];
      file.on('entry', (e: yauzl.Entry) => out.push(e.fileName));
      file.on('end', () => resolve(out));
      file.on('error', reject);
    });
  });
}

describe('packPlugin', () => {
  it('zips the plugin reproducibly and leaves out dependencies, VCS data and local stack files', async () => {
    const dir = await tree({
      'strata-plugin.json': '{}',
      'index.js': 'module.exports = async () => ({});\n',
      'lib/util.js': 'exports.x = 1;\n',
      'node_modules/@pulumi/pulumi/index.js': 'big',
      '.git/HEAD': 'ref: refs/heads/main\n',
      'Pulumi.dev.yaml': 'config: {}\n',
    });
    const first = await packPlugin(dir);
    expect(await names(first.archive)).toEqual(['index.js', 'lib/', 'lib/util.js', 'strata-plugin.json']);
    await utimes(join(dir, 'index.js'), new Date('2011-01-01'), new Date('2011-01-01'));
    expect((await packPlugin(dir)).archive.equals(first.archive)).toBe(true);
  });

  it('refuses a directory without strata-plugin.json, and symbolic links', async () => {
    await expect(packPlugin(await tree({ 'index.js': '' }, 'bare'))).rejects.toThrow(/has no strata-plugin\.json/);
    const dir = await tree({ 'strata-plugin.json': '{}', 'index.js': '' });
    await symlink('/etc/passwd', join(dir, 'passwd.js'));
    await expect(packPlugin(dir)).rejects.toThrow(/passwd\.js is a symbolic link/);
  });
});
