import type { Middleware } from 'koa';
import { hashToken } from '../../core/auth/tokens';
import { findActiveTokenByHash, touchTokens } from '../../core/db/repos/tokens';
import type { Db } from '../../core/db/knex';
import { Unauthorized } from '../../core/errors';
import type { AppState } from '../deps';

/**
 * Requires `Authorization: Bearer <token>` naming an active (not revoked) API token. Revocation is effective on
 * the next request: tokens are looked up every time (an indexed hash lookup). `last_used_at` is updated in
 * batches.
 */
export function requireToken(db: Db): Middleware<AppState> {
  const used = new Set<string>();
  let flushing: NodeJS.Timeout | null = null;
  const flush = () => {
    flushing = null;
    const ids = [...used];
    used.clear();
    void touchTokens(db, ids).catch(() => undefined);
  };
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new Unauthorized('this request needs an API token: send "Authorization: Bearer <token>"');
    const row = await findActiveTokenByHash(db, hashToken(match[1]!));
    if (!row) throw new Unauthorized('the API token is unknown or has been revoked', 'invalid_token');
    ctx.state.token = { id: row.id, name: row.name, scopes: row.scopes };
    used.add(row.id);
    if (!flushing) {
      flushing = setTimeout(flush, 2000);
      flushing.unref();
    }
    await next();
  };
}
