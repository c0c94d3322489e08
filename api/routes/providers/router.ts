import Router from '@koa/router';
import { searchCatalog } from '../../../core/db/repos/catalog-search';
import { findProvider, findProviderVersion, listProviderVersions } from '../../../core/db/repos/providers';
import { NotFound, versionExists } from '../../../core/errors';
import { assertName, assertProviderType, assertVersion } from '../../../core/registry/names';
import { workflowIds } from '../../../workflows/ids';
import type { PublishProviderInput } from '../../../workflows/types';
import type { AppDeps, AppState } from '../../deps';
import { enforceRateLimit } from '../../rate-limit';
import { namespaceForPublish, readableScope, requireReadable } from '../../namespace-access';
import { principalId } from '../../../core/auth/principal';
import { stageProviderRelease } from '../../uploads/stage-release';
import { startPublish } from '../../workflows/publish-endpoint';
import { publishProvider } from '../../../workflows/providers/publish-provider';
import { waitQuery } from '../modules/schemas';
import { presentProvider, presentProviderSummary } from './present';
import { providerListQuery } from './schemas';
import type { ProviderPage } from './shapes';

function address(params: Record<string, string>) {
  return { namespace: assertName('namespace', params.namespace!), type: assertProviderType(params.type!) };
}

export function providersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/providers' });

  router.get('/', async (ctx) => {
    const q = providerListQuery.parse(ctx.query);
    const { rows, total } = await searchCatalog(deps.db, { ...q, readableBy: readableScope(ctx.state.identity.access), kind: 'provider', sort: 'name', limit: q.per_page, offset: (q.page - 1) * q.per_page });
    const body: ProviderPage = { items: rows.map(presentProviderSummary), page: q.page, perPage: q.per_page, total };
    ctx.body = body;
  });

  router.get('/:namespace/:type', async (ctx) => {
    const a = address(ctx.params);
    await requireReadable(deps, ctx, a.namespace);
    const provider = await findProvider(deps.db, a);
    if (!provider) throw new NotFound(`provider ${a.namespace}/${a.type} not found`);
    ctx.body = presentProvider(provider, (await listProviderVersions(deps.db, a)) ?? []);
  });

  /** Upload goreleaser release files as multipart/form-data; 202, or 201 with ?wait=true. */
  router.post('/:namespace/:type/:version', async (ctx) => {
    const a = address(ctx.params);
    const ns = await namespaceForPublish(deps, ctx, a.namespace);
    await enforceRateLimit(deps.db, 'upload', principalId(ctx.state.identity.principal)!, deps.config.rateLimits.upload, 'uploads');
    const version = assertVersion(ctx.params.version!);
    const { wait } = waitQuery.parse(ctx.query);
    if (await findProviderVersion(deps.db, a, version)) {
      throw versionExists(`${a.namespace}/${a.type}`, version);
    }
    const staged = await stageProviderRelease(ctx, deps.storage, {
      type: a.type,
      version,
      maxBytes: deps.config.limits.maxProviderUploadBytes,
    });
    const workflowId = workflowIds.providerPublish(a, version);
    const input: PublishProviderInput = {
      provider: a,
      version,
      protocols: staged.protocols,
      shasums: staged.shasums,
      signature: staged.signature,
      zips: staged.zips,
      publishedBy: principalId(ctx.state.identity.principal),
    };
    await startPublish(ctx, deps, publishProvider, {
      workflowId,
      input,
      kind: 'provider-publish',
      artifact: `${a.namespace}/${a.type}`,
      version,
      wait,
      stagedKeys: staged.keys,
      orgId: ns.orgId,
    });
  });

  return router;
}
