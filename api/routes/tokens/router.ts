import Router from '@koa/router';
import { z } from 'zod';
import { generateToken } from '../../../core/auth/tokens';
import { insertToken, listTokens, revokeToken, type TokenRow } from '../../../core/db/repos/tokens';
import { NotFound } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { readJson } from '../../body';
import { requireToken } from '../../middleware/auth';

const createToken = z.object({ name: z.string().trim().min(1).max(100) });

function present(t: TokenRow) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: new Date(t.created_at).toISOString(),
    lastUsedAt: t.last_used_at ? new Date(t.last_used_at).toISOString() : null,
    revokedAt: t.revoked_at ? new Date(t.revoked_at).toISOString() : null,
  };
}

/** API tokens: the secret is returned once at creation and stored only as a hash. */
export function tokensRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/tokens' });
  router.use(requireToken(deps.db));

  router.get('/', async (ctx) => {
    ctx.body = { items: (await listTokens(deps.db)).map(present) };
  });

  router.post('/', async (ctx) => {
    const { name } = createToken.parse(await readJson(ctx));
    const secret = generateToken();
    const row = await insertToken(deps.db, { name, prefix: secret.prefix, tokenHash: secret.hash });
    ctx.status = 201;
    ctx.body = { ...present(row), token: secret.token };
  });

  router.delete('/:id', async (ctx) => {
    const id = ctx.params.id!;
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await revokeToken(deps.db, id))) throw new NotFound(`no active token ${id}`);
    ctx.status = 204;
  });

  return router;
}
