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
import { Conflict, DomainError, Invalid, NotFound } from '../../../core/errors';
import { resolveBaseUrl } from '../../../core/vcs/client';
import { serializeCredentials } from '../../../core/vcs/credentials';
import { VcsUnavailable } from '../../../core/vcs/errors';
import { compileTagPattern, versionFromTag } from '../../../core/vcs/tag-pattern';
import type { VcsRepository, VcsTag } from '../../../core/vcs/types';
import { vcsWorkflowIds } from '../../../workflows/vcs/ids';
import { readJson } from '../../body';
import type { AppDeps, AppState } from '../../deps';
import { requireToken } from '../../middleware/auth';
import { failureToDomainError } from '../../workflows/run-workflow';
import { presentConnection } from './present';
import { vcsRuntimeFor } from './runtime';
import { connectionInput, credentialsOf, idParam, tagsQuery } from './schemas';
import { resultWithin, startVcsWorkflow, statusUrlOf } from './workflows';

/** How long saving or validating a connection waits for the provider's answer before replying. */
const CHECK_WAIT_MS = 15_000;
const BROWSE_WAIT_MS = 60_000;

/** VCS connections: create (validated by a workflow), list, show, delete, re-validate, and the repository browser. */
export function vcsConnectionsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/vcs/connections' });
  router.use(requireToken(deps.db));

  const load = async (id: string) => {
    const row = idParam.safeParse(id).success ? await findVcsConnection(deps.db, id) : undefined;
    if (!row) throw new NotFound(`no VCS connection ${id}`, 'vcs_connection_not_found');
    return row;
  };

  const check = async (id: string) => {
    const workflowId = vcsWorkflowIds.connectionCheck(id);
    const { handle } = await startVcsWorkflow(deps, { workflowType: 'checkVcsConnection', workflowId, arg: { connectionId: id }, kind: 'vcs-connection-check' });
    const done = (await resultWithin(handle, CHECK_WAIT_MS)) !== undefined;
    return { workflowId, statusUrl: statusUrlOf(deps, workflowId), done };
  };

  /** Execute a browse workflow and return its result, mapping its failures to API errors. */
  const browse = async <T>(connectionId: string, arg: { repository?: string }): Promise<T> => {
    const workflowId = vcsWorkflowIds.browse(connectionId, randomUUID());
    const { handle } = await startVcsWorkflow(deps, { workflowType: 'browseVcs', workflowId, arg: { connectionId, ...arg }, kind: 'vcs-browse' });
    try {
      const result = await resultWithin<T>(handle, BROWSE_WAIT_MS);
      if (result === undefined) throw new DomainError(504, 'vcs_provider_timeout', 'the provider did not answer in time; try again');
      return result;
    } catch (err) {
      throw failureToDomainError(err) ?? err;
    }
  };

  router.post('/', async (ctx) => {
    const body = connectionInput.parse(await readJson(ctx));
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
      await insertVcsConnection(deps.db, { id, kind: body.kind, name: body.name, base_url: baseUrl, token_sealed: runtime.secrets.seal(serializeCredentials(credentialsOf(body)), connectionTokenContext(id)) });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`a VCS connection named ${JSON.stringify(body.name)} already exists`, 'vcs_connection_exists');
      throw err;
    }
    const validation = await check(id);
    ctx.status = 201;
    ctx.body = { ...presentConnection(await load(id)), validation };
  });

  router.get('/', async (ctx) => {
    ctx.body = { items: (await listVcsConnections(deps.db)).map(presentConnection) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = presentConnection(await load(ctx.params.id!));
  });

  router.delete('/:id', async (ctx) => {
    const row = await load(ctx.params.id!);
    if (!(await deleteVcsConnection(deps.db, row.id))) {
      throw new Conflict(`connection ${row.name} is used by linked modules; unlink them first`, 'vcs_connection_in_use');
    }
    ctx.status = 204;
  });

  router.post('/:id/validate', async (ctx) => {
    const row = await load(ctx.params.id!);
    const validation = await check(row.id);
    ctx.status = validation.done ? 200 : 202;
    ctx.body = { ...presentConnection(await load(row.id)), validation };
  });

  router.get('/:id/repositories', async (ctx) => {
    const row = await load(ctx.params.id!);
    const { repositories } = await browse<{ repositories: VcsRepository[] }>(row.id, {});
    ctx.body = { items: repositories };
  });

  /** Tags of one repository with their commits, and the version each would publish under `tagPattern`. */
  router.get('/:id/tags', async (ctx) => {
    const row = await load(ctx.params.id!);
    const q = tagsQuery.parse(ctx.query);
    const pattern = compileTagPattern(q.tagPattern);
    const { tags } = await browse<{ tags: VcsTag[] }>(row.id, { repository: q.repository });
    ctx.body = { items: tags.map((t) => ({ name: t.name, commitSha: t.commitSha, version: versionFromTag(pattern, t.name) })) };
  });

  return router;
}
