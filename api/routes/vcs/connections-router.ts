import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { isUniqueViolation } from '../../../core/db/knex';
import {
  connectionTokenContext,
  deleteVcsConnection,
  findVcsConnection,
  insertVcsConnection,
  listVcsConnections,
} from '../../../core/db/repos/vcs-connections';
import { Conflict, Invalid, NotFound } from '../../../core/errors';
import { resolveBaseUrl } from '../../../core/vcs/client';
import { serializeCredentials } from '../../../core/vcs/credentials';
import { VcsUnavailable } from '../../../core/vcs/errors';
import { compileTagPattern, versionFromTag } from '../../../core/vcs/tag-pattern';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { can } from '../../../core/auth/policy';
import { audit, authorize, requireSignedIn } from '../../authz';
import { DEFAULT_ORG } from '../../namespace-access';
import { visibleOrg } from '../orgs/lookup';
import { listConnectionRepositories, listRepositoryTags } from './browse-service';
import { presentConnection } from './present';
import { vcsRuntimeFor } from './runtime';
import { connectionInput, credentialsOf, idParam, tagsQuery } from './schemas';
import { strataAttributes } from '../../../temporal/search-attributes';
import { startWorkflow } from '../../../temporal/start-workflow';
import { checkVcsConnection } from '../../../workflows/vcs/check-vcs-connection';
import { resultWithin, statusUrlOf } from './workflows';

/** How long saving or validating a connection waits for the provider's answer before replying. */
const CHECK_WAIT_MS = 15_000;

/** VCS connections: create (validated by a workflow), list, show, delete, re-validate, and the repository browser (direct provider calls). */
export function vcsConnectionsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/vcs/connections' });
  router.use((ctx, next) => {
    requireSignedIn(ctx);
    return next();
  });

  const load = async (id: string) => {
    const row = idParam.safeParse(id).success ? await findVcsConnection(deps.db, id) : undefined;
    if (!row) throw new NotFound(`no VCS connection ${id}`, 'vcs_connection_not_found');
    return row;
  };
  /** A connection of an organisation the principal does not administer is answered like a missing one. */
  const loadManaged = async (ctx: Parameters<typeof requireSignedIn>[0], id: string) => {
    const row = await load(id);
    if (!can(ctx.state.identity.access, 'org.manage', { orgId: row.org_id })) throw new NotFound(`no VCS connection ${id}`, 'vcs_connection_not_found');
    return row;
  };

  const check = async (id: string) => {
    const workflowId = vcsWorkflowIds.connectionCheck(id);
    const { handle } = await startWorkflow(deps.temporal, checkVcsConnection, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      input: { connectionId: id },
      reusePolicy: 'ALLOW_DUPLICATE',
      onAlreadyStarted: 'join',
      searchAttributes: strataAttributes({ kind: 'vcs-connection-check' }),
    });
    const done = (await resultWithin(handle, CHECK_WAIT_MS)) !== undefined;
    return { workflowId, statusUrl: statusUrlOf(deps, workflowId), done };
  };

  router.post('/', async (ctx) => {
    const body = connectionInput.parse(await readJson(ctx));
    const org = await visibleOrg(deps.db, ctx, body.organization ?? DEFAULT_ORG);
    authorize(ctx, 'org.manage', { orgId: org.id });
    const runtime = await vcsRuntimeFor(deps.config);
    let baseUrl: string;
    try {
      baseUrl = await resolveBaseUrl(body.kind, body.baseUrl, runtime.policy);
    } catch (err) {
      if (err instanceof VcsUnavailable) throw new Invalid(err.message, 'vcs_base_url_unresolvable');
      throw err;
    }
    const id = randomUUID();
    try {
      await deps.db.transaction(async (tx) => {
        await insertVcsConnection(tx, { id, org_id: org.id, kind: body.kind, name: body.name, base_url: baseUrl, token_sealed: runtime.secrets.seal(serializeCredentials(credentialsOf(body)), connectionTokenContext(id)) });
        await audit(ctx, tx, { orgId: org.id, action: 'vcs_connection.create', target: id, result: 'success', details: { name: body.name, kind: body.kind } });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a VCS connection named ${JSON.stringify(body.name)} already exists`, 'vcs_connection_exists');
      throw err;
    }
    const validation = await check(id);
    ctx.status = 201;
    ctx.body = { ...presentConnection(await load(id)), validation };
  });

  router.get('/', async (ctx) => {
    const { access } = ctx.state.identity;
    // The same test as for one connection: a platform admin's token narrowed to read or publish administers nothing.
    const managed = can(access, 'platform.admin') ? undefined : Object.keys(access.orgRoles).filter((orgId) => can(access, 'org.manage', { orgId }));
    ctx.body = { items: (await listVcsConnections(deps.db, managed)).map(presentConnection) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = presentConnection(await loadManaged(ctx, ctx.params.id!));
  });

  router.delete('/:id', async (ctx) => {
    const row = await loadManaged(ctx, ctx.params.id!);
    const deleted = await deps.db.transaction(async (tx) => {
      const done = await deleteVcsConnection(tx, row.id);
      if (done) await audit(ctx, tx, { orgId: row.org_id, action: 'vcs_connection.delete', target: row.id, result: 'success', details: { name: row.name } });
      return done;
    });
    if (!deleted) {
      throw new Conflict(`connection ${row.name} is used by linked modules; unlink them first`, 'vcs_connection_in_use');
    }
    ctx.status = 204;
  });

  router.post('/:id/validate', async (ctx) => {
    const row = await loadManaged(ctx, ctx.params.id!);
    const validation = await check(row.id);
    await audit(ctx, deps.db, { orgId: row.org_id, action: 'vcs_connection.validate_requested', target: row.id, result: 'success', details: { name: row.name, workflowId: validation.workflowId } });
    ctx.status = validation.done ? 200 : 202;
    ctx.body = { ...presentConnection(await load(row.id)), validation };
  });

  router.get('/:id/repositories', async (ctx) => {
    const row = await loadManaged(ctx, ctx.params.id!);
    ctx.body = { items: await listConnectionRepositories(deps, row.id) };
  });

  /** Tags of one repository with their commits, and the version each would publish under `tagPattern`. */
  router.get('/:id/tags', async (ctx) => {
    const row = await loadManaged(ctx, ctx.params.id!);
    const q = tagsQuery.parse(ctx.query);
    const pattern = compileTagPattern(q.tagPattern);
    const tags = await listRepositoryTags(deps, row.id, q.repository);
    ctx.body = { items: tags.map((t) => ({ name: t.name, commitSha: t.commitSha, version: versionFromTag(pattern, t.name) })) };
  });

  return router;
}
