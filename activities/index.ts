import type { Db } from '../core/db/knex';
import type { GuardedTls } from '../core/vcs/guarded-fetch';
import type { NotificationRuntime } from '../core/notifications/runtime';
import type { ExtractLimits } from '../core/registry/archive';
import type { BlobStorage } from '../core/storage/storage';
import type { RunRuntime } from '../core/runs/runtime';
import type { VcsRuntime } from '../core/vcs/runtime';
import { createCatalogActivities } from './catalog/catalog-activities';
import { createCredentialActivities } from './credentials/credential-activities';
import type { CredentialRuntime } from './credentials/credential-check';
import { createModuleActivities } from './modules/module-activities';
import { createWebhookActivities } from './notifications/webhook-activities';
import { createNotificationActivities } from './notifications/notification-activities';
import { createPluginActivities } from './plugins/plugin-activities';
import { createProviderActivities } from './providers/provider-activities';
import { createPulumiActivities } from './runs/pulumi-activities';
import { createRunActivities } from './runs/run-activities';
import { createVcsActivities } from './vcs/vcs-activities';

export interface ActivityDeps {
  db: Db;
  storage: BlobStorage;
  limits: ExtractLimits;
  /** Opens stored VCS secrets and applies the network policy; without it, VCS activities fail permanently. */
  vcs?: VcsRuntime;
  /** Opens stored cloud credentials and applies the network policy; defaults to the VCS runtime (the same key and policy). */
  credentials?: CredentialRuntime;
  /** Engines, the key that opens sensitive variables, Strata's own URL; without it, run activities fail permanently. */
  runs?: RunRuntime;
  /** Strata's public URL (webhook bodies' `source`, links into the dashboard). */
  publicUrl?: string;
  /** Extra TLS trust for webhook endpoints (tests pass their CA). */
  webhookTls?: GuardedTls;
  /** Mail, link signing and sealing for notifications; without it, email deliveries are recorded as skipped. */
  notifications?: NotificationRuntime;
}

/** Every activity the worker registers, wired to real dependencies by the worker and to test ones by tests. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCatalogActivities(deps),
    ...createModuleActivities(deps),
    ...createProviderActivities(deps),
    ...createPluginActivities(deps),
    ...createVcsActivities(deps),
    ...createCredentialActivities({ db: deps.db, credentials: deps.credentials ?? deps.vcs }),
    ...createRunActivities(deps),
    ...createPulumiActivities(deps),
    ...createWebhookActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
