import { notifyCatalogChanged, type CatalogEvent } from '../../core/db/catalog-events';
import type { Db } from '../../core/db/knex';
import type { BlobStorage } from '../../core/storage/storage';

export interface CatalogActivityDeps {
  db: Db;
  storage: BlobStorage;
}

/** Side effects shared by every publish: announcing a change and discarding staged uploads. */
export function createCatalogActivities({ db, storage }: CatalogActivityDeps) {
  return {
    /** Tells every API process to drop cached protocol responses for this artifact. Idempotent. */
    async announceCatalogChange(input: CatalogEvent): Promise<void> {
      await notifyCatalogChanged(db, input);
    },

    /** Deletes staged upload blobs; missing keys are fine (idempotent). Only `staging/` keys are accepted. */
    async discardStaging(input: { keys: string[] }): Promise<void> {
      for (const key of input.keys) {
        if (!key.startsWith('staging/')) throw new Error(`refusing to discard non-staging key ${key}`);
        await storage.delete(key);
      }
    },
  };
}
