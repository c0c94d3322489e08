import { SecretUnreadable } from '../../core/crypto/envelope';
import type { Db } from '../../core/db/knex';
import { connectionTokenContext, findVcsConnectionWithToken } from '../../core/db/repos/vcs-connections';
import { findVcsLink, type VcsLinkView } from '../../core/db/repos/vcs-links';
import { Invalid, NotFound } from '../../core/errors';
import { openVcsClient } from '../../core/vcs/client';
import { parseCredentials } from '../../core/vcs/credentials';
import type { VcsRuntime } from '../../core/vcs/runtime';
import type { VcsClient, VcsKind } from '../../core/vcs/types';

/** The VCS runtime, or a permanent failure on a worker started without one. */
export function requireRuntime(runtime: VcsRuntime | undefined): VcsRuntime {
  if (!runtime) throw new Invalid('this worker was started without VCS support (no encryption key / network policy wired in)', 'vcs_not_configured');
  return runtime;
}

/** Opens a provider client for a stored connection; the credentials are decrypted here and live only in the client. */
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

export async function loadLink(db: Db, linkId: string): Promise<VcsLinkView> {
  const link = await findVcsLink(db, linkId);
  if (!link) throw new NotFound(`VCS link ${linkId} no longer exists (the module was unlinked)`, 'vcs_link_not_found');
  return link;
}
