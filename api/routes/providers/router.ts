import Router from '@koa/router';
import { z } from 'zod';
import { findProvider, findProviderVersion, listProviderVersions, searchProviders } from '../../../core/db/repos/providers';
import { Conflict, NotFound } from '../../../core/errors';
import { assertName, assertProviderType, assertVersion } from '../../../core/registry/names';
import { StrataArtifact, StrataKind, StrataVersion } from '../../../temporal/search-attributes';
import { workflowIds } from '../../../workflows/ids';
import type { PublishProviderInput, PublishProviderResult } from '../../../workflows/types';
import type { AppDeps, AppState } from '../../deps';
import { requireToken } from '../../middleware/auth';
import { stageProviderRelease } from '../../uploads/stage-release';
import { awaitResult, startBusinessWorkflow } from '../../workflows/run-workflow';
import { waitQuery } from '../modules/schemas';
import { presentProvider, presentProviderSummary } from './present';

const searchQuery = z.object({
  q: z.string().max(200).optional(),
  namespace: z.string().max(64).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
});

function address(params: Record<string, string>) {
  return { namespace: assertName('namespace', params.namespace!), type: assertProviderType(params.type!) };
}

export function providersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/providers' });

  router.get('/', async (ctx) => {
    const q = searchQuery.parse(ctx.query);
    const { rows, total } = await searchProviders(deps.db, {
      q: q.q,
      namespace: q.namespace,
      limit: q.per_page,
      offset: (q.page - 1) * q.per_page,
    });
    ctx.body = { items: rows.map(presentProviderSummary), page: q.page, perPage: q.per_page, total };
  });

  router.get('/:namespace/:type', async (ctx) => {
    const a = address(ctx.params);
    const provider = await findProvider(deps.db, a);
    if (!provider) throw new NotFound(`provider ${a.namespace}/${a.type} not found`);
    ctx.body = presentProvider(provider, (await listProviderVersions(deps.db, a)) ?? []);
  });

  /** Upload goreleaser release files as multipart/form-data; 202, or 201 with ?wait=true. */
  router.post('/:namespace/:type/:version', requireToken(deps.db), async (ctx) => {
    const a = address(ctx.params);
    const version = assertVersion(ctx.params.version!);
    const { wait } = waitQuery.parse(ctx.query);
    if (await findProviderVersion(deps.db, a, version)) {
      throw new Conflict(`${a.namespace}/${a.type} ${version} is already published; versions are immutable`, 'version_exists');
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
      publishedBy: ctx.state.token?.id ?? null,
    };
    let handle;
    try {
      handle = await startBusinessWorkflow(deps.temporal, {
        workflowType: 'publishProvider',
        workflowId,
        taskQueue: deps.config.temporal.taskQueue,
        arg: input,
        searchAttributes: [
          { key: StrataKind, value: 'provider-publish' },
          { key: StrataArtifact, value: `${a.namespace}/${a.type}`.toLowerCase() },
          { key: StrataVersion, value: version },
        ],
      });
    } catch (err) {
      await Promise.all(staged.keys.map((k) => deps.storage.delete(k)));
      throw err;
    }
    const statusUrl = `${deps.config.publicUrl}/api/v1/workflows/${encodeURIComponent(workflowId)}`;
    if (!wait) {
      ctx.status = 202;
      ctx.body = { workflowId, statusUrl };
      return;
    }
    const result = await awaitResult<PublishProviderResult>(handle);
    ctx.status = 201;
    ctx.body = { workflowId, statusUrl, ...result };
  });

  return router;
}
