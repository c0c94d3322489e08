import type { Db } from '../../core/db/knex';
import { findVcsLink, type VcsLinkView } from '../../core/db/repos/vcs-links';
import { Invalid, NotFound } from '../../core/errors';
import type { VcsRuntime } from '../../core/vcs/runtime';

export { clientForConnection } from '../../core/vcs/connection-client';

/** The VCS runtime, or a permanent failure on a worker started without one. */
export function requireRuntime(runtime: VcsRuntime | undefined): VcsRuntime {
  if (!runtime) throw new Invalid('this worker was started without VCS support (no encryption key / network policy wired in)', 'vcs_not_configured');
  return runtime;
}

export async function loadLink(db: Db, linkId: string): Promise<VcsLinkView> {
  const link = await findVcsLink(db, linkId);
  if (!link) throw new NotFound(`VCS link ${linkId} no longer exists (the module was unlinked)`, 'vcs_link_not_found');
  return link;
}
