import Router from '@koa/router';
import type { AppDeps, AppState } from '../../deps';
import { searchCatalog } from '../../../core/db/repos/catalog-search';
import { catalogQuery } from './schemas';

/**
 * `GET /api/v1/search?q=&namespace=&provider=&kind=&sort=recent|downloads|name&page=&per_page=`: the
 * dashboard's one search box over modules and providers. Public, like the per-kind search routes.
 */
export function searchRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/search' });
  router.get('/', async (ctx) => {
    const q = catalogQuery.parse(ctx.query);
    const found = await searchCatalog(deps.db, q);
    ctx.body = { ...found, page: q.page, perPage: q.per_page };
  });
  return router;
}
