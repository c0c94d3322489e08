import { join } from 'node:path';
import { loadOrCreateSecret } from './auth/bootstrap';
import type { Config } from './config';
import { LocalStorage } from './storage/local';
import type { BlobStorage } from './storage/storage';

/** The HMAC secret for signed URLs: configured, or generated once into the data dir (single-host default). */
export async function resolveSigningSecret(config: Config): Promise<string> {
  return config.signingSecret ?? loadOrCreateSecret(join(config.dataDir, 'signing-secret'));
}

export function createStorage(config: Config, signingSecret: string): BlobStorage {
  return new LocalStorage(config.storage.dir, config.publicUrl, signingSecret);
}

export function extractLimits(config: Config) {
  return { maxUncompressedBytes: config.limits.maxUncompressedBytes, maxEntries: config.limits.maxArchiveEntries };
}
