import type Router from '@koa/router';
import Koa from 'koa';
import { DomainError } from '../core/errors';
import { BodyMemoryBudget } from './body';
import type { AppDeps, AppState } from './deps';
import { errorHandler } from './middleware/errors';
import { metricsEndpoint, requestMetrics } from './middleware/metrics';
import { identify } from './middleware/identity';
import { requestContext } from './middleware/request-context';
import { securityHeaders } from './middleware/security-headers';
import { auditRouter } from './routes/audit/router';
import { accountRouter } from './routes/auth/account-router';
import { authRouter } from './routes/auth/router';
import { ssoRouter } from './routes/sso/router';
import { namespacesRouter } from './routes/namespaces/router';
import { actionLinksRouter } from './routes/notifications/action-links-router';
import { notificationsRouter } from './routes/notifications/router';
import { oauthRouter } from './routes/oauth/router';
import { orgsRouter } from './routes/orgs/router';
import { teamsRouter } from './routes/teams/router';
import { workspacesRouter } from './routes/workspaces/router';
import { runsRouter } from './routes/runs/router';
import { deploymentRouter, deploymentsRouter } from './routes/deployments/router';
import { webhooksRouter } from './routes/webhooks/router';
import { usersRouter } from './routes/users/router';
import { activityRouter } from './routes/activity/router';
import { gpgKeysRouter } from './routes/gpg-keys/router';
import { healthRouter } from './routes/health/router';
import { modulesRouter } from './routes/modules/router';
import { providersRouter } from './routes/providers/router';
import { searchRouter } from './routes/search/router';
import { stateLockMethods } from './routes/state/lock-methods';
import { stateRouter } from './routes/state/router';
import { statsRouter } from './routes/stats/router';
import { tokensRouter } from './routes/tokens/router';
import { credentialsRouter } from './routes/credentials/router';
import { pluginsRouter } from './routes/plugins/router';
import { vcsConnectionsRouter } from './routes/vcs/connections-router';
import { vcsLinksRouter } from './routes/vcs/links-router';
import { vcsWebhooksRouter } from './routes/vcs/webhooks-router';
import { webUi } from './routes/web/router';
import { workflowsRouter } from './routes/workflows/router';
import { workloadIdentityRouter } from './routes/workload-identity/router';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The management API and everything that is not a hot protocol read. Builds the app without listening:
 * tests drive it in-process or over a real port.
 */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: false });
  app.silent = true;
  app.use(requestMetrics(deps.metrics));
  app.use(requestContext(deps.log));
  app.use(securityHeaders(deps.config));
  // One budget for the buffered bodies of all in-flight requests of this app (api/body.ts).
  const bodyBudget = new BodyMemoryBudget(deps.config.limits.bodyMemoryBytes);
  app.use((ctx, next) => {
    ctx.state.bodyBudget = bodyBudget;
    ctx.state.bodyIdleSeconds = deps.config.limits.uploadIdleSeconds;
    return next();
  });
  app.use(errorHandler());
  app.use(stateLockMethods());
  app.use(async (ctx, next) => {
    if (!KNOWN_METHODS.has(ctx.method)) {
      throw new DomainError('method_not_allowed', 'method_not_allowed', `${ctx.method} is not supported`);
    }
    await next();
  });
  app.use(metricsEndpoint(deps.metrics, deps.config.observability.metricsToken));
  app.use(identify(deps));
  for (const router of apiRouters(deps)) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  const web = webUi(deps);
  if (web) app.use(web);
  return app;
}

/**
 * The Koa routers of the API, in matching order (the OpenAPI route table lists the same routes; a test keeps
 * them equal).
 */
export function apiRouters(deps: AppDeps): Router<AppState>[] {
  return [
    healthRouter(deps),
    workloadIdentityRouter(deps),
    // Before modulesRouter: `…/:system/downloads` would otherwise be read as a version.
    statsRouter(deps),
    // Before modulesRouter too: `…/:system/vcs` would otherwise be read as a version.
    vcsLinksRouter(deps),
    modulesRouter(deps),
    providersRouter(deps),
    gpgKeysRouter(deps),
    tokensRouter(deps),
    authRouter(deps),
    oauthRouter(deps),
    ssoRouter(deps),
    accountRouter(deps),
    usersRouter(deps),
    orgsRouter(deps),
    teamsRouter(deps),
    workspacesRouter(deps),
    runsRouter(deps),
    deploymentsRouter(deps),
    deploymentRouter(deps),
    webhooksRouter(deps),
    auditRouter(deps),
    namespacesRouter(deps),
    workflowsRouter(deps),
    activityRouter(deps),
    searchRouter(deps),
    vcsConnectionsRouter(deps),
    credentialsRouter(deps),
    pluginsRouter(deps),
    vcsWebhooksRouter(deps),
    stateRouter(deps),
    notificationsRouter(deps),
    actionLinksRouter(deps),
  ];
}
