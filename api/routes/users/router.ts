import Router from '@koa/router';
import { createPasswordUser } from '../../../core/auth/users';
import { listUsers } from '../../../core/db/repos/users';
import type { AppDeps, AppState } from '../../deps';
import { audit, authorize } from '../../authz';
import { readJson } from '../../body';
import { issueVerification } from '../auth/account-links';
import { presentUser } from '../auth/present';
import { createUserInput } from '../auth/schemas';

/** Platform administration of user accounts. */
export function usersRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/users' });

  router.get('/', async (ctx) => {
    authorize(ctx, 'platform.admin');
    ctx.body = { items: (await listUsers(deps.db)).map((u) => ({ ...presentUser(u), createdAt: new Date(u.created_at).toISOString() })) };
  });

  router.post('/', async (ctx) => {
    authorize(ctx, 'platform.admin');
    const input = createUserInput.parse(await readJson(ctx));
    const { user, announce } = await deps.db.transaction(async (tx) => {
      const row = await createPasswordUser(tx, input);
      await audit(ctx, tx, { orgId: null, action: 'user.create', target: row.email, result: 'success', details: { userId: row.id, platformAdmin: row.platform_admin } });
      return { user: row, announce: await issueVerification(deps, ctx, tx, row, 'invite') };
    });
    await announce();
    ctx.status = 201;
    ctx.body = { id: user.id };
  });

  return router;
}
