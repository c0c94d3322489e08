import type { Middleware } from 'koa';
import { Unauthorized } from '../../core/errors';
import type { ApiMetrics } from '../../core/observability/api-metrics';
import { scrapeGuard } from '../../core/observability/scrape-auth';
import { BLOB_ROUTE } from '../../core/storage/url-signing';
import type { AppState } from '../deps';

/**
 * The route family of a request the protocol fast path answered: a handful of fixed names, so a scanner
 * walking random paths cannot grow the label set. Only a few string comparisons: it runs on every cached read.
 */
export function protocolFamily(path: string): string {
  if (path.startsWith('/v1/modules/')) return path.endsWith('/versions') ? 'v1/modules/versions' : 'v1/modules/download';
  if (path.startsWith('/v1/providers/')) return path.endsWith('/versions') ? 'v1/providers/versions' : 'v1/providers/download';
  if (path.startsWith('/v1/mirror/')) return path.endsWith('/index.json') ? 'v1/mirror/index' : 'v1/mirror/version';
  if (path.startsWith(BLOB_ROUTE)) return 'blobs';
  return 'discovery';
}

/** Whether answers of this fast-path family come from the response cache (blobs are streamed, never cached). */
export function isCachedFamily(family: string): boolean {
  return family !== 'blobs';
}

const METRICS_PATH = '/metrics';
const koaFamilies = new Map<string, string>();

/**
 * The family of a Koa route: the static segments of the matched route template (`/api/v1/modules/:namespace/…`
 * → `api/v1/modules`), so it is bounded by the route table. Requests no route matched are `unmatched` (the web
 * UI's files, 404s).
 */
function koaFamily(template: string | undefined): string {
  if (!template) return 'unmatched';
  let family = koaFamilies.get(template);
  if (family === undefined) {
    family = template.split('/').filter((s) => s && !s.startsWith(':')).join('/') || 'root';
    koaFamilies.set(template, family);
  }
  return family;
}

/** Times every request Koa answers, labelled by route family, method and status class. Outermost middleware. */
export function requestMetrics(metrics: ApiMetrics): Middleware<AppState> {
  return async (ctx, next) => {
    const started = performance.now();
    let failed = false;
    try {
      await next();
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const template = (ctx as { _matchedRoute?: string })._matchedRoute;
      const family = ctx.path === METRICS_PATH ? 'metrics' : koaFamily(template);
      metrics.request(family, ctx.method, failed ? 500 : ctx.status, (performance.now() - started) / 1000);
    }
  };
}

/**
 * `GET /metrics`: the process's metrics in Prometheus text format. With `STRATA_METRICS_TOKEN` set, scrapers
 * must send it as a bearer token; without it the endpoint is open (keep it on an internal network).
 */
export function metricsEndpoint(metrics: ApiMetrics, token: string | null): Middleware<AppState> {
  const authorized = scrapeGuard(token);
  return async (ctx, next) => {
    if (ctx.path !== METRICS_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    if (!authorized(ctx.get('authorization'))) {
      throw new Unauthorized('a valid metrics token is required (STRATA_METRICS_TOKEN)', 'unauthorized');
    }
    const { contentType, body } = await metrics.render();
    ctx.set('content-type', contentType);
    ctx.set('cache-control', 'no-store');
    ctx.body = body;
  };
}
