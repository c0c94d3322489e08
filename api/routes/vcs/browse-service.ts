import { DomainError } from '../../../core/errors';
import { clientForConnection } from '../../../core/vcs/connection-client';
import { VcsUnavailable } from '../../../core/vcs/errors';
import type { VcsRepository, VcsTag } from '../../../core/vcs/types';
import type { AppDeps } from '../../deps';
import { vcsRuntimeFor } from './runtime';

/**
 * The repository browser: read-only provider calls made straight from the API (nothing durable happens, so no
 * workflow). Provider outages answer `unavailable`; the user retries.
 */
export async function listConnectionRepositories(deps: AppDeps, connectionId: string): Promise<VcsRepository[]> {
  return browse(deps, connectionId, (client) => client.listRepositories({ limit: 1000 }));
}

/** One repository's tags with the commits they point to. */
export async function listRepositoryTags(deps: AppDeps, connectionId: string, repository: string): Promise<VcsTag[]> {
  return browse(deps, connectionId, (client) => client.listTags(repository));
}

async function browse<T>(deps: AppDeps, connectionId: string, call: (client: Awaited<ReturnType<typeof clientForConnection>>) => Promise<T>): Promise<T> {
  const client = await clientForConnection(deps.db, await vcsRuntimeFor(deps.config), connectionId);
  try {
    return await call(client);
  } catch (err) {
    if (err instanceof VcsUnavailable) throw new DomainError('unavailable', 'vcs_unavailable', `${err.message}; try again`);
    throw err;
  }
}
