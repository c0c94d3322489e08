import Router from '@koa/router';
import type { AppDeps, AppState } from '../../deps';

/** Liveness (the process answers), readiness (PostgreSQL and Temporal reachable), and the OpenAPI document. */
export function healthRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  // Generated on first request: the route table and the JSON Schema conversion are not needed to serve the API.
  router.get('/api/openapi.json', async (ctx) => {
    ctx.body = (await import('../../openapi/document')).openApiDocument;
  });
  router.get('/readyz', async (ctx) => {
    const timeout = <T>(p: Promise<T>) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 3000).unref())]);
    const [postgres, temporal] = await Promise.allSettled([
      timeout(deps.db.raw('select 1')),
      // A gRPC deadline, not only the race: the client's retry interceptor would otherwise keep retrying a call
      // the answer no longer waits for (one per probe while Temporal is down), into the connection's shutdown.
      timeout(deps.temporal.connection.withDeadline(Date.now() + 3000, () => deps.temporal.connection.workflowService.getSystemInfo({}))),
    ]);
    const checks = {
      postgres: postgres.status === 'fulfilled' ? 'ok' : String((postgres.reason as Error).message),
      temporal: temporal.status === 'fulfilled' ? 'ok' : String((temporal.reason as Error).message),
    };
    const ready = checks.postgres === 'ok' && checks.temporal === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks };
  });
  return router;
}
