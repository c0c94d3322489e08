import { describe, expect, it } from 'vitest';
import { compareVersions, latestVersion } from './semver';

describe('semver ordering', () => {
  it('orders by precedence, numerically, releases after their pre-releases', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta.11', '1.2.0-beta.2', '0.9.9', '2.0.0-alpha'].sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.2.0-beta.2', '1.2.0-beta.11', '1.2.0-rc.1', '1.2.0', '1.10.0', '2.0.0-alpha']);
  });

  it('picks the highest release as latest, a pre-release only when nothing else exists', () => {
    expect(latestVersion(['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1'])).toBe('1.10.0');
    expect(latestVersion(['0.1.0-alpha', '0.1.0-beta'])).toBe('0.1.0-beta');
    expect(latestVersion([])).toBeNull();
  });
});
