import { describe, expect, it } from 'vitest';
import { classifyReleaseFile, parseShasums } from './release-files';

const classify = (filename: string) => classifyReleaseFile({ type: 'null', version: '3.2.4', filename });

describe('classifyReleaseFile', () => {
  it('recognises the checksum file, its signature and platform zips', () => {
    expect(classify('terraform-provider-null_3.2.4_SHA256SUMS')).toEqual({ kind: 'shasums' });
    expect(classify('terraform-provider-null_3.2.4_SHA256SUMS.sig')).toEqual({ kind: 'signature' });
    expect(classify('terraform-provider-null_3.2.4_linux_amd64.zip')).toEqual({ kind: 'zip', os: 'linux', arch: 'amd64' });
    expect(classify('terraform-provider-null_3.2.4_windows_386.zip')).toEqual({ kind: 'zip', os: 'windows', arch: '386' });
  });

  it('works for types with dashes and pre-release versions', () => {
    expect(
      classifyReleaseFile({ type: 'my-thing', version: '1.0.0-rc.1', filename: 'terraform-provider-my-thing_1.0.0-rc.1_darwin_arm64.zip' }),
    ).toEqual({ kind: 'zip', os: 'darwin', arch: 'arm64' });
  });

  it.each([
    'terraform-provider-null_3.2.4_manifest.json',
    'terraform-provider-null_3.2.4_SHA256SUMS.72D7468F.sig',
    'terraform-provider-null_3.2.5_linux_amd64.zip',
    'terraform-provider-random_3.2.4_linux_amd64.zip',
    'terraform-provider-null_v3.2.4_linux_amd64.zip',
    'terraform-provider-null_3.2.4_linux_amd64.tar.gz',
    'terraform-provider-null_3.2.4_linux.zip',
    'terraform-provider-null_3.2.4_Linux_AMD64.zip',
    'terraform-provider-null_3.2.4_sha256sums',
    'x/terraform-provider-null_3.2.4_linux_amd64.zip',
  ])('ignores %s', (filename) => {
    expect(classify(filename)).toBeNull();
  });
});

const A = 'a'.repeat(64);
const B = '0123456789abcdef'.repeat(4);

describe('parseShasums', () => {
  it('maps each listed file to its hash', () => {
    const sums = parseShasums(Buffer.from(`${A}  p_linux_amd64.zip\n${B}  p_darwin_arm64.zip\n`));
    expect([...sums]).toEqual([
      ['p_linux_amd64.zip', A],
      ['p_darwin_arm64.zip', B],
    ]);
  });

  it('accepts CRLF line endings, a missing final newline and the binary-mode marker', () => {
    const sums = parseShasums(Buffer.from(`${A}  one.zip\r\n${B} *two.zip`));
    expect(sums.get('one.zip')).toBe(A);
    expect(sums.get('two.zip')).toBe(B);
  });

  it('keeps filenames exactly, spaces included', () => {
    expect([...parseShasums(Buffer.from(`${A}  name with space.zip\n`)).keys()]).toEqual(['name with space.zip']);
  });

  it.each([
    ['uppercase hex', `${A.toUpperCase()}  one.zip\n`],
    ['a short hash', `${A.slice(1)}  one.zip\n`],
    ['non-hex digits', `${'g'.repeat(64)}  one.zip\n`],
    ['a single space', `${A} one.zip\n`],
    ['a tab', `${A}\tone.zip\n`],
    ['no filename', `${A}  \n`],
    ['a blank line', `${A}  one.zip\n\n${B}  two.zip\n`],
    ['a duplicate file', `${A}  one.zip\n${B}  one.zip\n`],
    ['an empty file', ''],
    ['invalid UTF-8', Buffer.concat([Buffer.from(`${A}  `), Buffer.from([0xff, 0xfe]), Buffer.from('\n')])],
  ])('rejects %s', (_, content) => {
    expect(() => parseShasums(Buffer.isBuffer(content) ? content : Buffer.from(content))).toThrow(
      expect.objectContaining({ kind: 'invalid_artifact', code: 'shasums_invalid' }),
    );
  });
});
