import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findProviderRelease } from './find-release';

let dist: string;

beforeEach(async () => {
  dist = await mkdtemp(join(tmpdir(), 'strata-cli-dist-'));
});

afterEach(async () => {
  await rm(dist, { recursive: true, force: true });
});

async function files(...names: string[]) {
  for (const name of names) await writeFile(join(dist, name), name);
}

/** What goreleaser leaves in dist/ for a provider release, besides the release files. */
async function goreleaserLitter() {
  await files('artifacts.json', 'metadata.json', 'config.yaml');
  await mkdir(join(dist, 'terraform-provider-my-thing_linux_amd64_v1'));
  await writeFile(join(dist, 'terraform-provider-my-thing_linux_amd64_v1', 'terraform-provider-my-thing_v1.2.0'), 'bin');
}

const release = (type: string, version: string) => [
  `terraform-provider-${type}_${version}_SHA256SUMS`,
  `terraform-provider-${type}_${version}_SHA256SUMS.sig`,
  `terraform-provider-${type}_${version}_linux_amd64.zip`,
  `terraform-provider-${type}_${version}_darwin_arm64.zip`,
];

describe('findProviderRelease', () => {
  it('reads type and version from the SHA256SUMS name and picks only the release files', async () => {
    await goreleaserLitter();
    await files(...release('my-thing', '1.2.0-rc.1'), 'terraform-provider-my-thing_1.2.0-rc.1_manifest.json');
    const found = await findProviderRelease(dist, {});
    expect(found.type).toBe('my-thing');
    expect(found.version).toBe('1.2.0-rc.1');
    expect(found.files.map((f) => basename(f))).toEqual([
      'terraform-provider-my-thing_1.2.0-rc.1_SHA256SUMS',
      'terraform-provider-my-thing_1.2.0-rc.1_SHA256SUMS.sig',
      'terraform-provider-my-thing_1.2.0-rc.1_darwin_arm64.zip',
      'terraform-provider-my-thing_1.2.0-rc.1_linux_amd64.zip',
      'terraform-provider-my-thing_1.2.0-rc.1_manifest.json',
    ]);
    expect(found.platforms).toEqual([
      { os: 'darwin', arch: 'arm64' },
      { os: 'linux', arch: 'amd64' },
    ]);
  });

  it('asks to choose when there are several releases, and selects one by type and version', async () => {
    await files(...release('a', '1.0.0'), ...release('a', '1.1.0'), ...release('b', '1.0.0'));
    await expect(findProviderRelease(dist, {})).rejects.toThrow(/several releases .* choose one with --type and --version/);
    await expect(findProviderRelease(dist, { type: 'a' })).rejects.toThrow(/several releases/);
    const found = await findProviderRelease(dist, { type: 'a', version: '1.1.0' });
    expect(found.files.map((f) => basename(f))).toEqual([
      'terraform-provider-a_1.1.0_SHA256SUMS',
      'terraform-provider-a_1.1.0_SHA256SUMS.sig',
      'terraform-provider-a_1.1.0_darwin_arm64.zip',
      'terraform-provider-a_1.1.0_linux_amd64.zip',
    ]);
    expect((await findProviderRelease(dist, { type: 'b' })).version).toBe('1.0.0');
  });

  it('says what is missing', async () => {
    await goreleaserLitter();
    await expect(findProviderRelease(dist, {})).rejects.toThrow(/no terraform-provider-<type>_<version>_SHA256SUMS file in/);
    await files(...release('a', '1.0.0'));
    await expect(findProviderRelease(dist, { version: '2.0.0' })).rejects.toThrow(/no .*SHA256SUMS file for version 2\.0\.0/);
    await rm(join(dist, 'terraform-provider-a_1.0.0_SHA256SUMS.sig'));
    await expect(findProviderRelease(dist, {})).rejects.toThrow(/SHA256SUMS\.sig is missing/);
  });

  it('refuses a release without platform zips', async () => {
    await files('terraform-provider-a_1.0.0_SHA256SUMS', 'terraform-provider-a_1.0.0_SHA256SUMS.sig', 'terraform-provider-a_1.0.0_linux_amd64.tar.gz');
    await expect(findProviderRelease(dist, {})).rejects.toThrow(/no terraform-provider-a_1\.0\.0_<os>_<arch>\.zip files/);
  });
});
