import { join } from 'node:path';
import { loadOrCreateSecret } from '../auth/bootstrap';
import type { Config } from '../config';
import { SecretBox } from './envelope';

/**
 * Decodes a configured master key: 32 bytes written as 64 hex digits, or as base64 / base64url (Node's base64
 * decoder reads both alphabets).
 * @throws Error with a message that names the expected forms (the value itself is never echoed).
 */
export function parseMasterKey(text: string): Buffer {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) {
    throw new Error('STRATA_ENCRYPTION_KEY must be 32 random bytes written as 64 hex digits or as base64 (e.g. `openssl rand -base64 32`)');
  }
  return key;
}

/**
 * The master key that seals stored secrets: STRATA_ENCRYPTION_KEY, or (single-host default) one generated once
 * into the data dir. Several API and worker processes must share the same key.
 */
export async function resolveSecretBox(config: Pick<Config, 'encryptionKey' | 'dataDir'>): Promise<SecretBox> {
  const text = config.encryptionKey ?? (await loadOrCreateSecret(join(config.dataDir, 'encryption-key')));
  return new SecretBox(parseMasterKey(text));
}
