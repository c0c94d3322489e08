import Router from '@koa/router';
import { listVcsDeliveries } from '../../../core/db/repos/vcs-deliveries';
import { deleteVcsLink } from '../../../core/db/repos/vcs-links';
import { listVcsViolations } from '../../../core/db/repos/vcs-violations';
import { assertName, assertSystem } from '../../../core/registry/names';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import { audit } from '../../authz';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { namespaceForManage } from '../../namespace-access';
import { awaitResult } from '../../workflows/run-workflow';
import { createLink, requireLink } from './link-service';
import { presentDelivery, presentLink, presentViolation } from './present';
import { linkInput, listQuery, waitQuery } from './schemas';
import type { VcsLinkCreated, VcsSyncAccepted, VcsSyncDone } from './shapes';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { syncVcsLink } from '../../../workflows/vcs/sync-vcs-link';
import { statusUrlOf } from './workflows';

const artifactOf = (a: { namespace: string; name: string; system: string }) => `${a.namespace}/${a.name}/${a.system}`;

function address(params: Record<string, string>) {
  return {
    namespace: assertName('namespace', params.namespace!),
    name: assertName('name', params.name!),
    system: assertSystem(params.system!),
  };
}

/**
 * A module's link to a repository: link (201 with the webhook URL and secret), show, unlink, manual sync, and the
 * delivery and violation logs. Registered before the modules router, whose `…/:system/:version` would match `vcs`.
 */
export function vcsLinksRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/modules/:namespace/:name/:system/vcs' });
  // Every link operation is an admin's of the namespace's organisation (readers do not even learn of links).
  router.use(async (ctx, next) => {
    ctx.state.namespaceInfo = await namespaceForManage(deps, ctx, assertName('namespace', ctx.params.namespace!));
    await next();
  });

  router.post('/', async (ctx) => {
    const body = linkInput.parse(await readJson(ctx));
    const a = address(ctx.params);
    const ns = ctx.state.namespaceInfo!;
    const created = await createLink(deps, a, body, ns, (tx, link) =>
      audit(ctx, tx, { orgId: ns.orgId, action: 'vcs_link.create', target: artifactOf(a), result: 'success', details: { linkId: link.id, repository: link.repository, connectionId: link.connectionId } }),
    );
    const linked: VcsLinkCreated = {
      ...presentLink(created.link),
      webhookSecret: created.webhookSecret,
      ...(created.webhookUsername ? { webhookUsername: created.webhookUsername } : {}),
      setup: created.setup,
    };
    ctx.status = 201;
    ctx.body = linked;
  });

  router.get('/', async (ctx) => {
    ctx.body = presentLink(await requireLink(deps, address(ctx.params)));
  });

  /** Unlinks; published versions stay. The provider's webhook is left in place (its deliveries are refused). */
  router.delete('/', async (ctx) => {
    const a = address(ctx.params);
    const link = await requireLink(deps, a);
    await deps.db.transaction(async (tx) => {
      await deleteVcsLink(tx, link.id);
      await audit(ctx, tx, { orgId: ctx.state.namespaceInfo!.orgId, action: 'vcs_link.delete', target: artifactOf(a), result: 'success', details: { linkId: link.id, repository: link.repository } });
    });
    ctx.status = 204;
  });

  /** Manual sync: publish every release tag not published yet, check the others. 202, or the summary with ?wait. */
  router.post('/sync', async (ctx) => {
    const a = address(ctx.params);
    const link = await requireLink(deps, a);
    const { wait } = waitQuery.parse(ctx.query);
    const workflowId = vcsWorkflowIds.sync(link.id);
    // A second sync after a finished one re-checks; a running one is joined.
    const { handle, alreadyRunning } = await startWorkflow(deps.temporal, syncVcsLink, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      input: { linkId: link.id, trigger: 'manual' },
      reusePolicy: 'ALLOW_DUPLICATE',
      onAlreadyStarted: 'join',
      searchAttributes: strataAttributes({ kind: 'vcs-sync', artifact: `${a.namespace}/${a.name}/${a.system}` }),
    });
    // The sync is the workflow's; the API records the request it accepted.
    await audit(ctx, deps.db, { orgId: ctx.state.namespaceInfo!.orgId, action: 'vcs_link.sync_requested', target: artifactOf(a), result: 'success', details: { linkId: link.id, workflowId, alreadyRunning } });
    const statusUrl = statusUrlOf(deps, workflowId);
    if (!wait) {
      const body: VcsSyncAccepted = { workflowId, statusUrl, alreadyRunning };
      ctx.status = 202;
      ctx.body = body;
      return;
    }
    // The summary's own `alreadyRunning` (how many tag publishes were already running) is the one answered.
    const body: VcsSyncDone = { workflowId, statusUrl, ...(await awaitResult(handle)) };
    ctx.body = body;
  });

  router.get('/deliveries', async (ctx) => {
    const link = await requireLink(deps, address(ctx.params));
    const { limit } = listQuery.parse(ctx.query);
    ctx.body = { items: (await listVcsDeliveries(deps.db, link.id, limit)).map(presentDelivery) };
  });

  router.get('/violations', async (ctx) => {
    const link = await requireLink(deps, address(ctx.params));
    const { limit } = listQuery.parse(ctx.query);
    ctx.body = { items: (await listVcsViolations(deps.db, link.id, limit)).map(presentViolation) };
  });

  return router;
}
