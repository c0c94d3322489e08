import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Db } from '../db/knex';
import { hasBootstrapToken, insertToken } from '../db/repos/tokens';
import { displayPrefix, generateToken, hashToken } from './tokens';

/**
 * Makes sure an admin token exists. A configured STRATA_BOOTSTRAP_TOKEN is registered (idempotently); otherwise
 * one is generated once, written to a 0600 file in the data dir, and reported so the operator can print it.
 */
export async function ensureBootstrapToken(
  db: Db,
  input: { configured: string | null; file: string },
): Promise<{ token: string | null; created: boolean; file: string | null }> {
  if (input.configured) {
    await insertToken(db, {
      name: 'bootstrap (STRATA_BOOTSTRAP_TOKEN)',
      prefix: displayPrefix(input.configured),
      tokenHash: hashToken(input.configured),
      bootstrap: true,
    });
    return { token: input.configured, created: false, file: null };
  }
  if (await hasBootstrapToken(db)) {
    return { token: existsSync(input.file) ? readFileSync(input.file, 'utf8').trim() : null, created: false, file: input.file };
  }
  const secret = generateToken();
  await mkdir(dirname(input.file), { recursive: true });
  await writeFile(input.file, `${secret.token}\n`, { mode: 0o600 });
  await insertToken(db, { name: 'bootstrap', prefix: secret.prefix, tokenHash: secret.hash, bootstrap: true });
  return { token: secret.token, created: true, file: input.file };
}

/** Reads a secret persisted in the data dir, creating it on first use (embedded default only). */
export async function loadOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
  return readFileSync(file, 'utf8').trim();
}
