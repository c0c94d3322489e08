import Router from '@koa/router';
import { publishedJwks } from '../../../core/workload-identity/keyring';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, openIdConfiguration } from '../../../core/workload-identity/discovery';
import type { AppDeps, AppState } from '../../deps';

/**
 * Strata as an OpenID Connect issuer for its runs' ID tokens (core/workload-identity): the discovery document and
 * the published keys, open to anyone — clouds fetch them to verify a token a run presents.
 */
export function workloadIdentityRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  const discovery = JSON.stringify(openIdConfiguration(deps.config.publicUrl));

  router.get(OPENID_CONFIGURATION_PATH, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = 'application/json';
    ctx.body = discovery;
  });

  router.get(JWKS_PATH, async (ctx) => {
    const jwks = await publishedJwks(deps.db);
    ctx.set('Cache-Control', jwks.maxAge > 0 ? `public, max-age=${jwks.maxAge}` : 'no-cache');
    ctx.type = 'application/json';
    ctx.body = jwks.body;
  });

  return router;
}
