import { join } from 'node:path';
import { loadOrCreateSecret } from './auth/bootstrap';
import type { Config } from './config';
import { LocalStorage } from './storage/local';
import type { BlobStorage } from './storage/storage';
import { traced } from './storage/traced';

/** The HMAC secret for signed URLs: configured, or generated once into the data dir (single-host default). */
export async function resolveSigningSecret(config: Config): Promise<string> {
  return config.signingSecret ?? loadOrCreateSecret(join(config.dataDir, 'signing-secret'));
}

/**
 * The configured blob storage backend (STRATA_STORAGE): local disk, S3(-compatible) or Azure Blob Storage. A
 * cloud SDK (~20-25 MB resident each) is imported only when its backend is the configured one.
 */
export async function createStorage(config: Config, signingSecret: string): Promise<BlobStorage> {
  return traced(await createBackend(config, signingSecret));
}

async function createBackend(config: Config, signingSecret: string): Promise<BlobStorage> {
  const s = config.storage;
  switch (s.kind) {
    case 'local':
      return new LocalStorage(s.dir, config.publicUrl, signingSecret);
    case 's3': {
      const { S3Storage } = await import('./storage/s3');
      return new S3Storage(s);
    }
    case 'azure': {
      const { AzureBlobStorage } = await import('./storage/azure');
      return new AzureBlobStorage(s);
    }
  }
}

export function extractLimits(config: Config) {
  return { maxUncompressedBytes: config.limits.maxUncompressedBytes, maxEntries: config.limits.maxArchiveEntries };
}
