import Router from '@koa/router';
import { SCOPES, type Scope } from '../../../core/auth/policy';
import { generateToken } from '../../../core/auth/tokens';
import { insertToken, listTokens, revokeToken } from '../../../core/db/repos/tokens';
import { Forbidden, NotFound } from '../../../core/errors';
import { dispatchAfterCommit, emitNotification } from '../../../core/notifications/emit';
import type { AppDeps, AppState } from '../../deps';
import { audit, requireSignedIn } from '../../authz';
import { readJson } from '../../body';
import { enforceRateLimit } from '../../rate-limit';
import { principalId } from '../../../core/auth/principal';
import { presentToken } from './present';
import { createToken } from './schemas';
import type { CreatedToken } from './shapes';

/**
 * API tokens. A user's tokens act as that user (with all their roles, or fewer when narrowed by `scopes`); a
 * service token (made with the bootstrap token or another service token) acts as a platform admin. The secret
 * is returned once at creation and stored only as a hash.
 */
export function tokensRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/tokens' });
  const ownerOf = (p: ReturnType<typeof requireSignedIn>) => (p.kind === 'user' ? p.user.id : null);

  router.get('/', async (ctx) => {
    const p = requireSignedIn(ctx);
    if (p.kind === 'service' && !ctx.state.identity.access.scopes.includes('admin')) throw new Forbidden('listing service tokens needs the admin scope');
    ctx.body = { items: (await listTokens(deps.db, ownerOf(p))).map(presentToken) };
  });

  router.post('/', async (ctx) => {
    const p = requireSignedIn(ctx);
    await enforceRateLimit(deps.db, 'token-create', principalId(p)!, deps.config.rateLimits.tokenCreate, 'tokens created');
    const input = createToken.parse(await readJson(ctx));
    const own = ctx.state.identity.access.scopes;
    const scopes: Scope[] = input.scopes ? SCOPES.filter((s) => input.scopes!.includes(s)) : [...own];
    // A token can only hand out what it holds: a read token cannot mint a publishing one.
    const widest = (list: readonly Scope[]) => Math.max(...list.map((s) => SCOPES.indexOf(s)));
    if (widest(scopes) > widest(own)) throw new Forbidden(`this token's scopes (${own.join(', ')}) cannot create a token with ${scopes.join(', ')}`, 'scope_exceeded');
    const secret = generateToken();
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
    const { row, eventId } = await deps.db.transaction(async (tx) => {
      const inserted = await insertToken(tx, { name: input.name, prefix: secret.prefix, tokenHash: secret.hash, scopes, userId: ownerOf(p), expiresAt });
      await audit(ctx, tx, { orgId: null, action: 'token.create', target: inserted.id, result: 'success', details: { name: input.name, scopes, expiresAt } });
      // A personal security event: the person hears of every token made in their name.
      const raised =
        p.kind === 'user'
          ? await emitNotification(tx, {
              type: 'token.created',
              orgId: null,
              userId: p.user.id,
              subject: `API token "${input.name}" created`,
              link: '/tokens',
              payload: { tokenName: input.name, scopes: scopes.join(', '), ip: ctx.ip || null },
            })
          : null;
      return { row: inserted, eventId: raised?.eventId ?? null };
    });
    if (eventId) await dispatchAfterCommit(deps, ctx.state.log, [eventId]);
    ctx.status = 201;
    const body: CreatedToken = { ...presentToken(row), token: secret.token };
    ctx.body = body;
  });

  router.delete('/:id', async (ctx) => {
    const p = requireSignedIn(ctx);
    const id = ctx.params.id!;
    // A narrowed token (a CI job's) may revoke itself, not its owner's other tokens.
    const self = p.kind === 'user' ? p.tokenId : p.kind === 'service' ? p.tokenId : undefined;
    if (id !== self && !ctx.state.identity.access.scopes.includes('admin')) throw new Forbidden('revoking another token needs the admin scope');
    const revoked = /^[0-9a-f-]{36}$/i.test(id)
      ? await deps.db.transaction(async (tx) => {
          const row = await revokeToken(tx, id, ownerOf(p));
          if (row) await audit(ctx, tx, { orgId: null, action: 'token.revoke', target: id, result: 'success', details: { name: row.name } });
          return row;
        })
      : undefined;
    if (!revoked) throw new NotFound(`no active token ${id}`);
    deps.identity.invalidate();
    ctx.status = 204;
  });

  return router;
}
