import type { Db } from '../../core/db/knex';
import type { BlobStorage } from '../../core/storage/storage';

export interface CatalogActivityDeps {
  db: Db;
  storage: BlobStorage;
}

/** Side effects shared by every publish: discarding staged uploads (recording a version announces it). */
export function createCatalogActivities({ storage }: CatalogActivityDeps) {
  return {
    /** Deletes staged upload blobs; missing keys are fine (idempotent). Only `staging/` keys are accepted. */
    async discardStaging(input: { keys: string[] }): Promise<void> {
      for (const key of input.keys) {
        if (!key.startsWith('staging/')) throw new Error(`refusing to discard non-staging key ${key}`);
        await storage.delete(key);
      }
    },
  };
}
