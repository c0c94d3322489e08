import type { ModuleCoordinates, ProviderCoordinates } from './types';

/** Business workflow IDs: the ID is the idempotency key, so a double submit cannot publish twice. */
export const workflowIds = {
  modulePublish: (m: ModuleCoordinates, version: string) =>
    `module-publish:${m.namespace.toLowerCase()}/${m.name.toLowerCase()}/${m.system.toLowerCase()}/${version}`,
  providerPublish: (p: ProviderCoordinates, version: string) =>
    `provider-publish:${p.namespace.toLowerCase()}/${p.type.toLowerCase()}/${version}`,
  pluginPublish: (org: string, name: string, version: string) => `plugin-publish:${org.toLowerCase()}/${name.toLowerCase()}/${version}`,
};
