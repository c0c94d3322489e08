import type { Middleware } from 'koa';
import type { AppState } from '../../deps';

const LOCK_PATH = /^\/api\/v1\/orgs\/[^/]+\/workspaces\/[^/]+\/state\/lock\/?$/;
const ALIASES: Readonly<Record<string, string>> = { LOCK: 'POST', UNLOCK: 'DELETE' };

/**
 * The Terraform/OpenTofu http backend locks with the WebDAV methods `LOCK` and `UNLOCK` by default. On a workspace's
 * `…/state/lock` they are served as `POST` and `DELETE` (which clients that cannot send custom methods use, with
 * `lock_method = "POST"`, `unlock_method = "DELETE"`); anywhere else they stay unknown methods.
 */
export function stateLockMethods(): Middleware<AppState> {
  return (ctx, next) => {
    const alias = ALIASES[ctx.method];
    if (alias && LOCK_PATH.test(ctx.path)) ctx.method = alias;
    return next();
  };
}
