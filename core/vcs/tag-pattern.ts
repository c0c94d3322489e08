import semver from 'semver';
import { Invalid } from '../errors';

export const DEFAULT_TAG_PATTERN = 'v?X.Y.Z';
const PLACEHOLDER = 'X.Y.Z';
const SEMVER = '(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?)';

/**
 * Compiles a tag pattern: literal text around one `X.Y.Z` placeholder (a semantic version, pre-releases
 * included), where `?` makes the character before it optional. `v?X.Y.Z` takes `v1.2.3` and `1.2.3`;
 * `network/vX.Y.Z` takes `network/v1.2.3` (one module of a monorepo).
 * @throws Invalid `vcs_tag_pattern_invalid`
 */
export function compileTagPattern(pattern: string = DEFAULT_TAG_PATTERN): RegExp {
  const invalid = (why: string) => new Invalid(`tag pattern ${JSON.stringify(pattern)} is not valid: ${why}`, 'vcs_tag_pattern_invalid');
  if (pattern.length > 100) throw invalid('it is longer than 100 characters');
  const at = pattern.indexOf(PLACEHOLDER);
  if (at < 0 || pattern.indexOf(PLACEHOLDER, at + 1) >= 0) throw invalid(`it must contain ${PLACEHOLDER} exactly once`);
  const literal = (text: string): string => {
    if (!/^[A-Za-z0-9._/@+?-]*$/.test(text)) throw invalid('use letters, digits, . _ / @ + - and ? only');
    if (/^\?|\?\?/.test(text)) throw invalid('? must follow a character');
    return text.replace(/[.+/]/g, (c) => `\\${c}`);
  };
  return new RegExp(`^${literal(pattern.slice(0, at))}${SEMVER}${literal(pattern.slice(at + PLACEHOLDER.length))}$`);
}

/** The registry version a tag publishes under this pattern, or null when the tag is not a release tag. */
export function versionFromTag(pattern: string | RegExp, tag: string): string | null {
  const regex = typeof pattern === 'string' ? compileTagPattern(pattern) : pattern;
  const raw = regex.exec(tag)?.[1];
  if (!raw) return null;
  // semver.valid normalises; requiring it unchanged rejects leading zeros and other near-misses.
  return semver.valid(raw) === raw ? raw : null;
}
