import Router from '@koa/router';
import { findNamespace, setNamespaceVisibility } from '../../../core/db/repos/namespaces';
import { findOrgById } from '../../../core/db/repos/organizations';
import { NotFound } from '../../../core/errors';
import { assertName } from '../../../core/registry/names';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import { presentNamespace } from '../orgs/present';
import { patchNamespaceInput } from '../orgs/schemas';

/** One namespace: who owns it and whether anyone may read it. */
export function namespacesRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/namespaces/:namespace' });

  const load = async (raw: string) => {
    const name = assertName('namespace', raw);
    const row = await findNamespace(deps.db, name);
    const org = row && (await findOrgById(deps.db, row.org_id));
    return row && org ? { row, org, info: { id: row.id, orgId: row.org_id, visibility: row.visibility } } : null;
  };

  router.get('/', async (ctx) => {
    const found = await load(ctx.params.namespace!);
    if (!found) throw new NotFound(`no namespace ${ctx.params.namespace}`);
    authorize(ctx, 'namespace.read', { namespace: found.info }, `no namespace ${ctx.params.namespace}`);
    ctx.body = presentNamespace(found.row, found.org.name);
  });

  router.patch('/', async (ctx) => {
    const found = await load(ctx.params.namespace!);
    if (!found) throw new NotFound(`no namespace ${ctx.params.namespace}`);
    authorize(ctx, 'namespace.read', { namespace: found.info }, `no namespace ${ctx.params.namespace}`);
    authorize(ctx, 'namespace.manage', { namespace: found.info });
    const { visibility } = patchNamespaceInput.parse(await readJson(ctx));
    await deps.db.transaction(async (tx) => {
      await setNamespaceVisibility(tx, found.row.id, visibility);
      await audit(ctx, tx, { orgId: found.org.id, action: 'namespace.visibility', target: found.row.name, result: 'success', details: { from: found.row.visibility, to: visibility } });
    });
    deps.namespaces.invalidate();
    ctx.body = presentNamespace({ ...found.row, visibility }, found.org.name);
  });

  return router;
}
