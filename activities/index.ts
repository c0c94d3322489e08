import type { Db } from '../core/db/knex';
import type { NotificationRuntime } from '../core/notifications/runtime';
import type { ExtractLimits } from '../core/registry/archive';
import type { BlobStorage } from '../core/storage/storage';
import type { VcsRuntime } from '../core/vcs/runtime';
import { createCatalogActivities } from './catalog/catalog-activities';
import { createModuleActivities } from './modules/module-activities';
import { createNotificationActivities } from './notifications/notification-activities';
import { createProviderActivities } from './providers/provider-activities';
import { createVcsActivities } from './vcs/vcs-activities';

export interface ActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
  /** Opens stored VCS secrets and applies the network policy; without it, VCS activities fail permanently. */
  vcs?: VcsRuntime;
  /** Mail, link signing and sealing for notifications; without it, email deliveries are recorded as skipped. */
  notifications?: NotificationRuntime;
}

/** Every activity the worker registers, wired to real dependencies by the worker and to test ones by tests. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCatalogActivities(deps),
    ...createModuleActivities(deps),
    ...createProviderActivities(deps),
    ...createVcsActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
