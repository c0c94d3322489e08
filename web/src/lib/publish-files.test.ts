import { describe, expect, it } from 'vitest';
import { inferModuleFromArchive, inferProviderRelease, missingReleaseFiles } from './publish-files';

describe('release file names', () => {
  const files = [
    'terraform-provider-thing_1.2.0_linux_amd64.zip',
    'terraform-provider-thing_1.2.0_darwin_arm64.zip',
    'terraform-provider-thing_1.2.0_SHA256SUMS',
    'terraform-provider-thing_1.2.0_SHA256SUMS.sig',
    'terraform-provider-thing_1.2.0_manifest.json',
  ];

  it('reads the provider type and version from goreleaser names', () => {
    expect(inferProviderRelease(files)).toEqual({ type: 'thing', version: '1.2.0' });
    expect(missingReleaseFiles(files)).toEqual([]);
  });

  it('refuses files of two different versions and says what is missing', () => {
    expect(inferProviderRelease([...files, 'terraform-provider-thing_1.3.0_linux_amd64.zip'])).toBeNull();
    expect(missingReleaseFiles(['terraform-provider-thing_1.2.0_linux_amd64.zip'])).toEqual(['the SHA256SUMS file', 'its .sig signature']);
  });

  it('guesses module coordinates from conventional archive names', () => {
    expect(inferModuleFromArchive('terraform-aws-network-1.4.0.tar.gz')).toEqual({ system: 'aws', name: 'network', version: '1.4.0' });
    expect(inferModuleFromArchive('mymod_v0.2.0-rc.1.zip')).toEqual({ version: '0.2.0-rc.1' });
    expect(inferModuleFromArchive('module.tar.gz')).toEqual({});
  });
});
