import { describe, expect, it } from 'vitest';
import { compileTagPattern, versionFromTag } from './tag-pattern';

describe('tag patterns', () => {
  it('the default takes v-prefixed and bare semantic versions, pre-releases included', () => {
    expect(versionFromTag('v?X.Y.Z', 'v1.2.3')).toBe('1.2.3');
    expect(versionFromTag('v?X.Y.Z', '1.2.3')).toBe('1.2.3');
    expect(versionFromTag('v?X.Y.Z', 'v2.0.0-rc.1')).toBe('2.0.0-rc.1');
  });

  it('ignores tags that are not release tags', () => {
    for (const tag of ['simple-tag', 'v1.2', 'v01.2.3', 'vv1.2.3', 'release-1.2.3', 'v1.2.3+build.5', 'v1.2.3/extra']) {
      expect(versionFromTag('v?X.Y.Z', tag), tag).toBeNull();
    }
  });

  it('a monorepo prefix selects one module', () => {
    expect(versionFromTag('network/vX.Y.Z', 'network/v0.4.0')).toBe('0.4.0');
    expect(versionFromTag('network/vX.Y.Z', 'storage/v0.4.0')).toBeNull();
    expect(versionFromTag('network/vX.Y.Z', 'networkXv0.4.0')).toBeNull();
  });

  it('refuses patterns without exactly one placeholder or with unsafe characters', () => {
    for (const bad of ['v1.2.3', 'X.Y.Z-X.Y.Z', 'v*X.Y.Z', '?X.Y.Z', 'v??X.Y.Z', '(a)X.Y.Z']) {
      expect(() => compileTagPattern(bad), bad).toThrow(expect.objectContaining({ code: 'vcs_tag_pattern_invalid' }));
    }
  });
});
