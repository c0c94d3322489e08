import Router from '@koa/router';
import type { AppDeps, AppState } from '../../deps';
import { readableScope } from '../../namespace-access';
import { searchCatalog } from '../../../core/db/repos/catalog-search';
import { presentCatalogItem } from './present';
import { catalogQuery } from './schemas';
import type { CatalogPage } from './shapes';

/**
 * `GET /api/v1/search?q=&namespace=&provider=&kind=&sort=recent|downloads|name&page=&per_page=`: the
 * dashboard's one search box over modules and providers: public namespaces and those the principal may read.
 */
export function searchRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/search' });
  router.get('/', async (ctx) => {
    const q = catalogQuery.parse(ctx.query);
    const found = await searchCatalog(deps.db, { ...q, readableBy: readableScope(ctx.state.identity.access), limit: q.per_page, offset: (q.page - 1) * q.per_page, facets: true });
    const body: CatalogPage = {
      items: found.rows.map(presentCatalogItem),
      total: found.total,
      page: q.page,
      perPage: q.per_page,
      facets: found.facets!,
    };
    ctx.body = body;
  });
  return router;
}
