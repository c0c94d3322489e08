import { join } from 'node:path';
import { loadOrCreateSecret } from './auth/bootstrap';
import type { Config } from './config';
import { AzureBlobStorage } from './storage/azure';
import { LocalStorage } from './storage/local';
import { S3Storage } from './storage/s3';
import type { BlobStorage } from './storage/storage';

/** The HMAC secret for signed URLs: configured, or generated once into the data dir (single-host default). */
export async function resolveSigningSecret(config: Config): Promise<string> {
  return config.signingSecret ?? loadOrCreateSecret(join(config.dataDir, 'signing-secret'));
}

/** The configured blob storage backend (STRATA_STORAGE): local disk, S3(-compatible) or Azure Blob Storage. */
export function createStorage(config: Config, signingSecret: string): BlobStorage {
  const s = config.storage;
  switch (s.kind) {
    case 'local':
      return new LocalStorage(s.dir, config.publicUrl, signingSecret);
    case 's3':
      return new S3Storage(s);
    case 'azure':
      return new AzureBlobStorage(s);
  }
}

export function extractLimits(config: Config) {
  return { maxUncompressedBytes: config.limits.maxUncompressedBytes, maxEntries: config.limits.maxArchiveEntries };
}
