import { randomBytes, randomUUID } from 'node:crypto';
import { findModule, upsertModule, type ModuleAddress } from '../../../core/db/repos/modules';
import { findVcsConnection } from '../../../core/db/repos/vcs-connections';
import { findVcsLink, findVcsLinkByModule, insertVcsLink, webhookSecretContext, type VcsLinkView } from '../../../core/db/repos/vcs-links';
import { Conflict, NotFound } from '../../../core/errors';
import { AZURE_HOOK_USER } from '../../../core/vcs/types';
import { assertRepositoryName, normaliseSubdirectory } from '../../../core/vcs/repository-name';
import { compileTagPattern, DEFAULT_TAG_PATTERN } from '../../../core/vcs/tag-pattern';
import type { VcsKind } from '../../../core/vcs/types';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import type { Tx } from '../../../core/db/knex';
import type { AppDeps } from '../../deps';
import { vcsRuntimeFor } from './runtime';
import type { LinkInput } from './schemas';
import { ensureVcsReconcileSchedule } from '../../../temporal/schedules';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { setupVcsLink } from '../../../workflows/vcs/setup-vcs-link';
import { statusUrlOf } from './workflows';

/** The link's module, or NotFound. */
export async function requireLink(deps: AppDeps, a: ModuleAddress): Promise<VcsLinkView> {
  const module = await findModule(deps.db, a);
  const link = module ? await findVcsLinkByModule(deps.db, module.id) : undefined;
  if (!link) throw new NotFound(`module ${a.namespace}/${a.name}/${a.system} is not linked to a repository`, 'vcs_link_not_found');
  return link;
}

/**
 * Links a module (created if it does not exist yet) to a repository, then starts the setup workflow that
 * installs the webhook and backfills existing release tags, and makes sure the reconcile schedule exists.
 * The webhook secret is returned here once; it is stored sealed and never shown again.
 */
export async function createLink(
  deps: AppDeps,
  a: ModuleAddress,
  input: LinkInput,
  owner: { orgId: string },
  /** Writes the audit entry, in the transaction that inserts the link. */
  record: (tx: Tx, link: { id: string; repository: string; connectionId: string }) => Promise<void>,
) {
  const connection = await findVcsConnection(deps.db, input.connectionId);
  // Only a connection of the namespace's own organisation can be used (another's is answered as missing).
  if (!connection || connection.org_id !== owner.orgId) throw new NotFound(`no VCS connection ${input.connectionId}`, 'vcs_connection_not_found');
  const kind = connection.kind as VcsKind;
  const repository = assertRepositoryName(kind, input.repository);
  const subdirectory = normaliseSubdirectory(input.subdirectory);
  const tagPattern = input.tagPattern ?? DEFAULT_TAG_PATTERN;
  compileTagPattern(tagPattern);

  const runtime = await vcsRuntimeFor(deps.config);
  const id = randomUUID();
  const webhookSecret = randomBytes(32).toString('hex');
  const webhookUrl = `${deps.config.publicUrl}/webhooks/${kind}/${id}`;
  await deps.db.transaction(async (tx) => {
    const moduleId = await upsertModule(tx, a);
    if (await findVcsLinkByModule(tx, moduleId)) {
      throw new Conflict(`module ${a.namespace}/${a.name}/${a.system} is already linked to a repository; unlink it first`, 'vcs_link_exists');
    }
    await insertVcsLink(tx, {
      id,
      module_id: moduleId,
      connection_id: connection.id,
      repository,
      subdirectory,
      tag_pattern: tagPattern,
      webhook_url: webhookUrl,
      webhook_secret_sealed: runtime.secrets.seal(webhookSecret, webhookSecretContext(id)),
    });
    await record(tx, { id, repository, connectionId: connection.id });
  });

  const artifact = `${a.namespace}/${a.name}/${a.system}`;
  const workflowId = vcsWorkflowIds.linkSetup(id);
  await startWorkflow(deps.temporal, setupVcsLink, {
    workflowId,
    taskQueue: deps.config.temporal.taskQueue,
    input: { linkId: id },
    reusePolicy: 'ALLOW_DUPLICATE',
    onAlreadyStarted: 'join',
    searchAttributes: strataAttributes({ kind: 'vcs-link-setup', artifact }),
  });
  await ensureVcsReconcileSchedule(deps.temporal, { taskQueue: deps.config.temporal.taskQueue, intervalMinutes: deps.config.vcs.reconcileIntervalMinutes });
  const link = (await findVcsLink(deps.db, id))!;
  return {
    link,
    webhookSecret,
    // Azure DevOps service hooks authenticate with basic auth: this user name and the secret as password.
    webhookUsername: kind === 'azure-devops' ? AZURE_HOOK_USER : undefined,
    setup: { workflowId, statusUrl: statusUrlOf(deps, workflowId) },
  };
}
