import { describe, expect, it } from 'vitest';
import { compareVersions, isPrerelease, latestVersion, sortVersionsDescending } from './latest-version';

describe('version order', () => {
  it('orders by semver precedence: numerically, releases after their pre-releases', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta.11', '1.2.0-beta.2', '0.9.9', '2.0.0-alpha'].sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.2.0-beta.2', '1.2.0-beta.11', '1.2.0-rc.1', '1.2.0', '1.10.0', '2.0.0-alpha']);
  });

  it('is total and deterministic: build metadata breaks ties by text, non-semver strings sort first', () => {
    expect(sortVersionsDescending(['1.0.0+b', 'junk', '1.0.0+a', '0.1.0'])).toEqual(['1.0.0+b', '1.0.0+a', '0.1.0', 'junk']);
    expect(sortVersionsDescending(['1.0.0+a', '0.1.0', 'junk', '1.0.0+b'])).toEqual(['1.0.0+b', '1.0.0+a', '0.1.0', 'junk']);
  });

  it('sorts objects by their version, highest first, without touching the input', () => {
    const rows = [{ v: '1.0.0' }, { v: '1.0.10' }, { v: '1.0.9' }];
    expect(sortVersionsDescending(rows, (r) => r.v).map((r) => r.v)).toEqual(['1.0.10', '1.0.9', '1.0.0']);
    expect(rows.map((r) => r.v)).toEqual(['1.0.0', '1.0.10', '1.0.9']);
  });
});

describe('latest version', () => {
  it('is the highest release, not the newest published or the longest string', () => {
    expect(latestVersion(['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1'])).toBe('1.10.0');
    expect(latestVersion(['2.0.0', '10.0.0', '9.9.9'])).toBe('10.0.0');
  });

  it('excludes pre-releases while a release exists, even an older one', () => {
    expect(latestVersion(['0.1.0', '5.0.0-beta.1'])).toBe('0.1.0');
  });

  it('falls back to the highest pre-release when nothing else exists', () => {
    expect(latestVersion(['0.1.0-alpha', '0.1.0-beta', '0.1.0-alpha.10'])).toBe('0.1.0-beta');
    expect(latestVersion(['1.0.0-rc.2', '1.0.0-rc.10'])).toBe('1.0.0-rc.10');
  });

  it('is null without versions, and ignores strings that are not semver', () => {
    expect(latestVersion([])).toBeNull();
    expect(latestVersion(['latest', 'v-next'])).toBeNull();
    expect(latestVersion(['nope', '0.0.1'])).toBe('0.0.1');
  });

  it('does not depend on the input order', () => {
    const versions = ['1.2.3', '1.2.3-rc.1', '0.9.0', '1.10.0-alpha', '1.2.10'];
    expect(latestVersion(versions)).toBe('1.2.10');
    expect(latestVersion([...versions].reverse())).toBe('1.2.10');
  });

  it('knows pre-releases', () => {
    expect(isPrerelease('1.0.0-rc.1')).toBe(true);
    expect(isPrerelease('1.0.0+build.5')).toBe(false);
  });
});
