import semver from 'semver';
import { Invalid } from '../errors';

// Address rules from the registry protocols (PROTOCOLS.md). Namespaces and names keep their case but are
// matched case-insensitively.
export const NAME = /^[0-9A-Za-z](?:[0-9A-Za-z_-]{0,62}[0-9A-Za-z])?$/;
export const SYSTEM = /^[0-9a-z]{1,64}$/;
export const PROVIDER_TYPE = /^[0-9a-z](?:[0-9a-z-]{0,62}[0-9a-z])?$/;
const PLATFORM_PART = /^[0-9a-z]{1,32}$/;

export function assertName(kind: string, value: string): string {
  if (!NAME.test(value)) throw new Invalid(`${kind} ${JSON.stringify(value)} is not valid: use letters, digits, '-' and '_' (1-64, starting and ending with a letter or digit)`, 'invalid_name');
  return value;
}

export function assertSystem(value: string): string {
  if (!SYSTEM.test(value)) throw new Invalid(`provider/system ${JSON.stringify(value)} is not valid: use 1-64 lowercase letters and digits`, 'invalid_name');
  return value;
}

export function assertProviderType(value: string): string {
  if (!PROVIDER_TYPE.test(value)) throw new Invalid(`provider type ${JSON.stringify(value)} is not valid: use lowercase letters, digits and '-'`, 'invalid_name');
  return value;
}

export function isPlatformPart(value: string): boolean {
  return PLATFORM_PART.test(value);
}

/**
 * Versions are stored as plain semver without a `v` prefix: the provider client silently skips `v1.2.3`,
 * and the module client asks for `1.2.0` when a listing says `v1.2`.
 */
export function assertVersion(value: string): string {
  const valid = semver.valid(value);
  if (!valid || valid !== value) {
    throw new Invalid(`version ${JSON.stringify(value)} is not a semantic version like 1.2.3 (no "v" prefix)`, 'invalid_version');
  }
  return value;
}
