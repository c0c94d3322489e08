import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../../core/log';
import { runWithTraceId, traceIdOf } from '../../core/observability/trace-context';
import type { AppState } from '../deps';

/**
 * Gives every request an id (echoed as X-Request-Id), a trace id (carried to the workflows it starts) and a child
 * logger; logs one line per request.
 */
export function requestContext(log: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await runWithTraceId(traceIdOf(ctx.get('traceparent'), requestId), next);
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}
