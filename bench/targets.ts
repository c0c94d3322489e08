import { TEST_PROVIDER } from '../test/fixtures/provider-release';
import type { Target } from './load';
import { LARGE_MODULE, SMALL_MODULE, SMALL_MODULE_VERSIONS } from './seed';
import type { ModuleAddress } from './api-client';

const modulePath = (a: ModuleAddress) => `/v1/modules/${a.namespace}/${a.name}/${a.system}`;

/** The protocol read endpoints Terraform/OpenTofu hit on `init`, against the seeded catalogue. */
export function protocolTargets(apiUrl: string, publicUrl: string): Target[] {
  const { namespace, type, version } = TEST_PROVIDER;
  const mirror = `/v1/mirror/${new URL(publicUrl).host}/${namespace}/${type}`;
  const latestSmall = SMALL_MODULE_VERSIONS[SMALL_MODULE_VERSIONS.length - 1]!;
  const targets: (Omit<Target, 'url'> & { path: string })[] = [
    { id: 'discovery', label: 'service discovery', path: '/.well-known/terraform.json', ok: [200] },
    { id: 'module-versions', label: 'module versions (5)', path: `${modulePath(SMALL_MODULE)}/versions`, ok: [200] },
    { id: 'module-versions-1000', label: 'module versions (1,000)', path: `${modulePath(LARGE_MODULE)}/versions`, ok: [200] },
    { id: 'module-download', label: 'module download (204)', path: `${modulePath(SMALL_MODULE)}/${latestSmall}/download`, ok: [204] },
    { id: 'provider-package', label: 'provider find-a-package', path: `/v1/providers/${namespace}/${type}/${version}/download/linux/amd64`, ok: [200] },
    { id: 'mirror-index', label: 'mirror index.json', path: `${mirror}/index.json`, ok: [200] },
    { id: 'mirror-version', label: 'mirror version.json', path: `${mirror}/${version}.json`, ok: [200] },
  ];
  return targets.map(({ path, ...t }) => ({ ...t, url: `${apiUrl}${path}` }));
}
