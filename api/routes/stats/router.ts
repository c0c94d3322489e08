import Router from '@koa/router';
import { findModule } from '../../../core/db/repos/modules';
import { NotFound } from '../../../core/errors';
import { assertName, assertSystem, assertVersion } from '../../../core/registry/names';
import type { AppDeps, AppState } from '../../deps';
import { requireReadable } from '../../namespace-access';
import { dailySeries } from './daily-series';
import { moduleDailyDownloads } from '../../../core/db/repos/download-stats';
import { downloadsQuery } from './schemas';

/** Download statistics for the dashboard's charts. Readable by whoever may read the module. */
export function statsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/modules' });

  /** `{ from, to, total, days: [{ day, count }] }` with every day of the range, zeros included. */
  router.get('/:namespace/:name/:system/downloads', async (ctx) => {
    const a = {
      namespace: assertName('namespace', ctx.params.namespace!),
      name: assertName('name', ctx.params.name!),
      system: assertSystem(ctx.params.system!),
    };
    const q = downloadsQuery.parse(ctx.query);
    const version = q.version === undefined ? undefined : assertVersion(q.version);
    await requireReadable(deps, ctx, a.namespace);
    const module = await findModule(deps.db, a);
    if (!module) throw new NotFound(`module ${a.namespace}/${a.name}/${a.system} not found`);
    const { today, counted } = await moduleDailyDownloads(deps.db, { moduleId: module.id, version, days: q.days });
    const days = dailySeries(today, q.days, counted);
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = { from: days[0]!.day, to: today, total: days.reduce((n, d) => n + d.count, 0), days };
  });

  return router;
}
