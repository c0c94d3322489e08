import { SecretUnreadable } from '../crypto/envelope';
import type { Db } from '../db/knex';
import { connectionTokenContext, findVcsConnectionWithToken } from '../db/repos/vcs-connections';
import { Invalid, NotFound } from '../errors';
import { openVcsClient } from './client';
import { parseCredentials } from './credentials';
import type { VcsRuntime } from './runtime';
import type { VcsClient, VcsKind } from './types';

/**
 * Opens a provider client for a stored connection; the credentials are decrypted here and live only in the client.
 * The one factory: the worker's activities and the API's read-only repository browser both use it.
 */
export async function clientForConnection(db: Db, runtime: VcsRuntime, connectionId: string): Promise<VcsClient> {
  const row = await findVcsConnectionWithToken(db, connectionId);
  if (!row) throw new NotFound(`VCS connection ${connectionId} no longer exists`, 'vcs_connection_not_found');
  let stored: string;
  try {
    stored = runtime.secrets.open(row.token_sealed, connectionTokenContext(row.id));
  } catch (err) {
    if (err instanceof SecretUnreadable) throw new Invalid(`the credentials of connection ${row.name} cannot be decrypted: ${err.message}`, 'vcs_secret_unreadable');
    throw err;
  }
  return openVcsClient({ kind: row.kind as VcsKind, baseUrl: row.base_url, ...parseCredentials(stored), policy: runtime.policy });
}
