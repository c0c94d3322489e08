import Router from '@koa/router';
import { searchCatalog } from '../../../core/db/repos/catalog-search';
import { findModule, findModuleVersion, listModuleVersions } from '../../../core/db/repos/modules';
import { NotFound, versionExists } from '../../../core/errors';
import { assertName, assertSystem, assertVersion } from '../../../core/registry/names';
import { workflowIds } from '../../../workflows/ids';
import type { PublishModuleInput } from '../../../workflows/types';
import type { AppDeps, AppState } from '../../deps';
import { enforceRateLimit } from '../../rate-limit';
import { namespaceForPublish, readableScope, requireReadable } from '../../namespace-access';
import { principalId } from '../../../core/auth/principal';
import { stageArchiveBody } from '../../uploads/stage-body';
import { startPublish } from '../../workflows/publish-endpoint';
import { publishModule } from '../../../workflows/modules/publish-module';
import { presentModule, presentModuleSummary, presentModuleVersion } from './present';
import { moduleListQuery, waitQuery } from './schemas';
import type { ModulePage } from './shapes';

function address(params: Record<string, string>) {
  return {
    namespace: assertName('namespace', params.namespace!),
    name: assertName('name', params.name!),
    system: assertSystem(params.system!),
  };
}

export function modulesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/modules' });

  router.get('/', async (ctx) => {
    const q = moduleListQuery.parse(ctx.query);
    const { rows, total } = await searchCatalog(deps.db, { ...q, readableBy: readableScope(ctx.state.identity.access), kind: 'module', sort: 'name', limit: q.per_page, offset: (q.page - 1) * q.per_page });
    const body: ModulePage = { items: rows.map(presentModuleSummary), page: q.page, perPage: q.per_page, total };
    ctx.body = body;
  });

  router.get('/:namespace/:name/:system', async (ctx) => {
    const a = address(ctx.params);
    await requireReadable(deps, ctx, a.namespace);
    const module = await findModule(deps.db, a);
    if (!module) throw new NotFound(`module ${a.namespace}/${a.name}/${a.system} not found`);
    ctx.body = presentModule(module, await listModuleVersions(deps.db, module.id));
  });

  router.get('/:namespace/:name/:system/:version', async (ctx) => {
    const a = address(ctx.params);
    await requireReadable(deps, ctx, a.namespace);
    const row = await findModuleVersion(deps.db, a, assertVersion(ctx.params.version!));
    if (!row) throw new NotFound(`module ${a.namespace}/${a.name}/${a.system} ${ctx.params.version} not found`);
    ctx.body = presentModuleVersion(row);
  });

  /**
   * Upload: the archive is the body. 202 with the workflow to follow, or with ?wait=true the outcome
   * (201 and the version, or the 4xx of the failure).
   */
  router.post('/:namespace/:name/:system/:version', async (ctx) => {
    const a = address(ctx.params);
    const ns = await namespaceForPublish(deps, ctx, a.namespace);
    await enforceRateLimit(deps.db, 'upload', principalId(ctx.state.identity.principal)!, deps.config.rateLimits.upload, 'uploads');
    const version = assertVersion(ctx.params.version!);
    const { wait } = waitQuery.parse(ctx.query);
    if (await findModuleVersion(deps.db, a, version)) {
      throw versionExists(`${a.namespace}/${a.name}/${a.system}`, version);
    }
    const staged = await stageArchiveBody(ctx, deps.storage, deps.config.limits.maxModuleUploadBytes);
    const workflowId = workflowIds.modulePublish(a, version);
    const input: PublishModuleInput = {
      module: a,
      version,
      stagingKey: staged.key,
      format: staged.format,
      source: { kind: 'upload' },
      publishedBy: principalId(ctx.state.identity.principal),
    };
    await startPublish(ctx, deps, publishModule, {
      workflowId,
      input,
      kind: 'module-publish',
      artifact: `${a.namespace}/${a.name}/${a.system}`,
      version,
      wait,
      stagedKeys: [staged.key],
      orgId: ns.orgId,
    });
  });

  return router;
}
