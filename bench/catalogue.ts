import type { ModuleAddress } from './api-client';

/** What the benchmark publishes, and the listings the baseline server mimics. */
export const SMALL_MODULE: ModuleAddress = { namespace: 'bench', name: 'small', system: 'aws' };
export const SMALL_MODULE_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'];
export const LARGE_MODULE: ModuleAddress = { namespace: 'bench', name: 'many', system: 'aws' };
export const LARGE_MODULE_VERSION_COUNT = 1000;

/**
 * The private part of the catalogue: an organisation owning a private namespace, a reader who is a member of it
 * and reads with a personal token, and a module (and the test provider) published into that namespace.
 */
export const PRIVATE_ORG = 'bench-org';
export const PRIVATE_NAMESPACE = 'bench-private';
export const PRIVATE_READER = { email: 'reader@bench.test', name: 'Bench reader' };
export const PRIVATE_MODULE: ModuleAddress = { namespace: PRIVATE_NAMESPACE, name: 'secret', system: 'aws' };
export const PRIVATE_MODULE_VERSIONS = ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'];

/**
 * The versions of the large module: `1.0.0` (published through the API) followed by `2.x.y` copies.
 */
export function largeModuleVersions(count = LARGE_MODULE_VERSION_COUNT): string[] {
  return ['1.0.0', ...Array.from({ length: count - 1 }, (_, g) => `2.${Math.floor(g / 100)}.${g % 100}`)];
}

/** The `modules.v1` versions listing body for `versions`. */
export function versionsListing(versions: string[]): string {
  return JSON.stringify({ modules: [{ versions: versions.map((version) => ({ version })) }] });
}
