import Router from '@koa/router';
import type { Context } from 'koa';
import { SSO_FLOW_TTL_MS, safeReturnTo } from '../../../core/auth/sso-flow';
import { DomainError } from '../../../core/errors';
import type { AppDeps, AppState } from '../../deps';
import { setSessionCookie } from '../auth/session-cookie';
import { callbackQuery, loginQuery, providerParams } from './schemas';
import type { SsoProviderList } from './shapes';
import { completeSsoSignIn } from './sign-in';

const FLOW_COOKIE = 'strata_sso_flow';

/**
 * Sign-in with OpenID Connect providers (authorization code + PKCE): the list for the sign-in page, the redirect
 * to a provider, and the callback that opens a session. Browsers get redirects (errors to `/login?error=<code>`);
 * a request that asks for JSON gets `{error:{code,message}}`.
 */
export function ssoRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/v1/auth' });
  const secure = () => deps.config.publicUrl.startsWith('https:');
  // Only the provider's own callback path ever receives the flow cookie.
  const flowCookiePath = (provider: string) => `/api/v1/auth/oidc/${provider}/`;

  router.get('/providers', (ctx) => {
    const body: SsoProviderList = { items: deps.oidc.list().map((p) => ({ id: p.id, name: p.name, loginUrl: `/api/v1/auth/oidc/${p.id}/login` })) };
    ctx.body = body;
  });

  router.get('/oidc/:provider/login', async (ctx) => {
    const { provider } = providerParams.parse(ctx.params);
    const { returnTo } = loginQuery.parse(ctx.query);
    ctx.set('Cache-Control', 'no-store');
    try {
      const { url, flow } = await deps.oidc.begin(provider, safeReturnTo(returnTo, deps.config.publicUrl));
      ctx.cookies.secure = secure();
      ctx.cookies.set(FLOW_COOKIE, deps.oidc.sealFlow(flow), { httpOnly: true, sameSite: 'lax', secure: secure(), path: flowCookiePath(provider), maxAge: SSO_FLOW_TTL_MS, overwrite: true });
      ctx.redirect(url);
    } catch (err) {
      refuse(ctx, err);
    }
  });

  router.get('/oidc/:provider/callback', async (ctx) => {
    const { provider } = providerParams.parse(ctx.params);
    const { state } = callbackQuery.parse(ctx.query);
    deps.oidc.provider(provider);
    ctx.set('Cache-Control', 'no-store');
    const flow = deps.oidc.openFlow(ctx.cookies.get(FLOW_COOKIE));
    // One flow, one callback: the cookie goes whatever the outcome.
    ctx.cookies.secure = secure();
    ctx.cookies.set(FLOW_COOKIE, null, { httpOnly: true, sameSite: 'lax', secure: secure(), path: flowCookiePath(provider) });
    try {
      const { cookie, returnTo } = await completeSsoSignIn(ctx, deps, provider, flow, state);
      setSessionCookie(ctx, cookie, deps.config.identity.sessionMaxSeconds, secure());
      ctx.redirect(returnTo);
    } catch (err) {
      refuse(ctx, err);
    }
  });

  return router;
}

/** A refused sign-in: JSON for API clients, back to the sign-in page with the error's code for browsers. */
function refuse(ctx: Context, err: unknown): void {
  if (!(err instanceof DomainError) || ctx.accepts('html', 'json') === 'json') throw err;
  ctx.redirect(`/login?error=${encodeURIComponent(err.code)}`);
}
