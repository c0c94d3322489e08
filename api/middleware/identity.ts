import type { Middleware } from 'koa';
import { SESSION_COOKIE } from '../../core/auth/identity-resolver';
import { ANONYMOUS_ACCESS } from '../../core/auth/policy';
import { Forbidden, Unauthorized } from '../../core/errors';
import type { AppDeps, AppState } from '../deps';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const ANONYMOUS = Object.freeze({ principal: { kind: 'anonymous' as const }, access: ANONYMOUS_ACCESS });

/**
 * Sets `ctx.state.identity` for every request: from `Authorization: Bearer <token>` (API and CLI), or an API token
 * as the password of `Authorization: Basic` (the http state backend; any username), else from the session cookie
 * (dashboard), else anonymous. A bearer token that does not work is a 401 even on public routes
 * (a client that sent one expects to be someone). Cookie-authenticated mutations must come from our own origin
 * and carry the session's CSRF token in `X-CSRF-Token`. Other `Authorization` schemes, and basic auth whose
 * password is not a token (a webhook's), are left to their routes.
 */
export function identify(deps: Pick<AppDeps, 'identity' | 'config'>): Middleware<AppState> {
  const ownOrigin = new URL(deps.config.publicUrl).origin;
  return async (ctx, next) => {
    ctx.state.identity = ANONYMOUS;
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'));
    if (bearer) {
      const identity = await deps.identity.resolveToken(bearer[1]!);
      if (!identity) throw new Unauthorized('the API token is unknown, expired or has been revoked', 'invalid_token');
      ctx.state.identity = identity;
      return next();
    }
    const basic = basicPassword(ctx.get('authorization'));
    if (basic) {
      // The Terraform/OpenTofu http state backend sends an API token as the basic-auth password. Basic is also
      // some webhooks' own scheme: a password that is no token leaves the request anonymous for its route to judge.
      const identity = await deps.identity.resolveToken(basic);
      if (identity) ctx.state.identity = identity;
      return next();
    }
    const cookie = ctx.cookies.get(SESSION_COOKIE);
    if (!cookie) return next();
    const identity = await deps.identity.resolveSession(cookie);
    if (!identity || identity.principal.kind !== 'user') {
      // An expired or revoked session: forget the cookie and carry on as anonymous.
      ctx.cookies.set(SESSION_COOKIE, null, { httpOnly: true, sameSite: 'lax', path: '/' });
      return next();
    }
    if (!SAFE_METHODS.has(ctx.method)) {
      const origin = ctx.get('origin');
      if (origin && origin !== ownOrigin && origin !== `${ctx.protocol}://${ctx.get('host')}`) throw new Forbidden('cross-origin request refused', 'csrf_failed');
      const token = ctx.get('x-csrf-token');
      if (!token || !deps.identity.checkCsrf(identity.principal.sessionId!, token)) {
        throw new Forbidden('this request needs the session\'s CSRF token in X-CSRF-Token', 'csrf_failed');
      }
    }
    ctx.state.identity = identity;
    return next();
  };
}

/** The password of `Authorization: Basic base64(user:password)`, when there is one. */
function basicPassword(header: string): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon === -1 ? '' : decoded.slice(colon + 1);
  return password || null;
}
