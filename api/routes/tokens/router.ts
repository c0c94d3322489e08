import Router from '@koa/router';
import { generateToken } from '../../../core/auth/tokens';
import { insertToken, listTokens, revokeToken } from '../../../core/db/repos/tokens';
import { NotFound } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { readJson } from '../../body';
import { requireToken } from '../../middleware/auth';
import { presentToken } from './present';
import { createToken } from './schemas';
import type { CreatedToken } from './shapes';


/** API tokens: the secret is returned once at creation and stored only as a hash. */
export function tokensRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/tokens' });
  router.use(requireToken(deps.db));

  router.get('/', async (ctx) => {
    ctx.body = { items: (await listTokens(deps.db)).map(presentToken) };
  });

  router.post('/', async (ctx) => {
    const { name } = createToken.parse(await readJson(ctx));
    const secret = generateToken();
    const row = await insertToken(deps.db, { name, prefix: secret.prefix, tokenHash: secret.hash });
    ctx.status = 201;
    const body: CreatedToken = { ...presentToken(row), token: secret.token };
    ctx.body = body;
  });

  router.delete('/:id', async (ctx) => {
    const id = ctx.params.id!;
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await revokeToken(deps.db, id))) throw new NotFound(`no active token ${id}`);
    ctx.status = 204;
  });

  return router;
}
