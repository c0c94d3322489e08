import { TEST_PROVIDER } from '../test/fixtures/provider-release';
import type { Target } from './load';
import type { ModuleAddress } from './api-client';
import { LARGE_MODULE, LARGE_MODULE_VERSION_COUNT, PRIVATE_MODULE, PRIVATE_MODULE_VERSIONS, PRIVATE_NAMESPACE, SMALL_MODULE, SMALL_MODULE_VERSIONS } from './catalogue';

/**
 * What Terraform's and OpenTofu's HTTP client (Go's net/http) sends on every registry request: it asks for gzip by
 * itself and decompresses the answer. Every request of the benchmark, the baseline's included, carries it.
 */
export const CLIENT_HEADERS: Readonly<Record<string, string>> = { 'accept-encoding': 'gzip' };

const modulePath = (a: ModuleAddress) => `/v1/modules/${a.namespace}/${a.name}/${a.system}`;

/**
 * The protocol read endpoints Terraform/OpenTofu hit on `init`, against the seeded catalogue: the public ones
 * anonymously, then the private namespace's with the reader's personal token (what `terraform login` stores), each
 * with the client's own headers ({@link CLIENT_HEADERS}).
 */
export function protocolTargets(apiUrl: string, publicUrl: string, pid: number | null, readerToken: string): Target[] {
  const { namespace, type, version } = TEST_PROVIDER;
  const mirror = `/v1/mirror/${new URL(publicUrl).host}/${namespace}/${type}`;
  const latestSmall = SMALL_MODULE_VERSIONS[SMALL_MODULE_VERSIONS.length - 1]!;
  const latestPrivate = PRIVATE_MODULE_VERSIONS[PRIVATE_MODULE_VERSIONS.length - 1]!;
  const asReader = { ...CLIENT_HEADERS, authorization: `Bearer ${readerToken}` };
  const findPackage = (ns: string) => `/v1/providers/${ns}/${type}/${version}/download/linux/amd64`;
  const targets: (Omit<Target, 'url' | 'pid'> & { path: string })[] = [
    { id: 'discovery', label: 'service discovery', path: '/.well-known/terraform.json', ok: [200] },
    {
      id: 'module-versions',
      label: 'module versions (5)',
      path: `${modulePath(SMALL_MODULE)}/versions`,
      ok: [200],
      verify: listsVersions(SMALL_MODULE_VERSIONS.length),
    },
    {
      id: 'module-versions-1000',
      label: 'module versions (1,000)',
      path: `${modulePath(LARGE_MODULE)}/versions`,
      ok: [200],
      verify: listsVersions(LARGE_MODULE_VERSION_COUNT),
    },
    {
      id: 'module-download',
      label: 'module download (204)',
      path: `${modulePath(SMALL_MODULE)}/${latestSmall}/download`,
      ok: [204],
      verify: ({ headers }) => (headers['x-terraform-get'] ? null : 'no X-Terraform-Get header'),
    },
    {
      id: 'provider-package',
      label: 'provider find-a-package',
      path: findPackage(namespace),
      ok: [200],
      verify: isPackage,
    },
    {
      id: 'mirror-index',
      label: 'mirror index.json',
      path: `${mirror}/index.json`,
      ok: [200],
      verify: ({ body }) => (Object.hasOwn((JSON.parse(body) as { versions?: object }).versions ?? {}, version) ? null : `does not list ${version}`),
    },
    {
      id: 'mirror-version',
      label: 'mirror version.json',
      path: `${mirror}/${version}.json`,
      ok: [200],
      verify: ({ body }) => {
        const archives = (JSON.parse(body) as { archives?: Record<string, { hashes?: string[] }> }).archives ?? {};
        return archives.linux_amd64?.hashes?.length ? null : 'no hashed linux_amd64 archive';
      },
    },
    {
      id: 'private-module-versions',
      label: 'private module versions (5), reader token',
      path: `${modulePath(PRIVATE_MODULE)}/versions`,
      headers: asReader,
      ok: [200],
      verify: listsVersions(PRIVATE_MODULE_VERSIONS.length),
    },
    {
      id: 'private-module-download',
      label: 'private module download (204), reader token',
      path: `${modulePath(PRIVATE_MODULE)}/${latestPrivate}/download`,
      headers: asReader,
      ok: [204],
      verify: ({ headers }) => (headers['x-terraform-get'] ? null : 'no X-Terraform-Get header'),
    },
    {
      id: 'private-provider-versions',
      label: 'private provider versions, reader token',
      path: `/v1/providers/${PRIVATE_NAMESPACE}/${type}/versions`,
      headers: asReader,
      ok: [200],
      verify: ({ body }) => {
        const listed = (JSON.parse(body) as { versions?: { version: string }[] }).versions ?? [];
        return listed.some((v) => v.version === version) ? null : `does not list ${version}`;
      },
    },
    {
      id: 'private-provider-package',
      label: 'private provider find-a-package, reader token',
      path: findPackage(PRIVATE_NAMESPACE),
      headers: asReader,
      ok: [200],
      verify: isPackage,
    },
  ];
  return targets.map(({ path, ...t }) => ({ ...t, headers: t.headers ?? CLIENT_HEADERS, url: `${apiUrl}${path}`, pid }));
}

function isPackage({ body }: { body: string }): string | null {
  const p = JSON.parse(body) as { download_url?: string; signing_keys?: { gpg_public_keys?: unknown[] } };
  return p.download_url && p.signing_keys?.gpg_public_keys?.length ? null : 'no download_url or signing key';
}

function listsVersions(count: number): Target['verify'] {
  return ({ body }) => {
    const listed = (JSON.parse(body) as { modules: { versions: unknown[] }[] }).modules[0]?.versions.length;
    return listed === count ? null : `lists ${listed} versions, expected ${count}`;
  };
}
