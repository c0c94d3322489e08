import type { Middleware } from 'koa';
import { ZodError } from 'zod';
import { DomainError, Locked, RateLimited, Unavailable, asUnavailable } from '../../core/errors';
import { isUniqueViolation } from '../../core/db/knex';
import type { AppState } from '../deps';
import { statusOfKind } from './error-status';

/** PostgreSQL refuses NUL bytes and invalid UTF-8 in text (SQLSTATE 22021, 22P05): the client sent them. */
function isInvalidText(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '22021' || code === '22P05';
}

/**
 * Maps domain errors to their status and `{ "error": { "code", "message" } }`; unique violations to 409;
 * anything else is logged with the request id and answered as a bare 500.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (caught) {
      // A dependency that is down (PostgreSQL, Temporal) is a 503 the client may retry, not a 500.
      const err = asUnavailable(caught) ?? caught;
      if (err instanceof DomainError) {
        ctx.status = statusOfKind[err.kind];
        if (err.kind === 'unavailable') ctx.set('Retry-After', String(err instanceof Unavailable ? err.retryAfterSeconds : 5));
        if (err instanceof RateLimited) ctx.set('Retry-After', String(err.retryAfterSeconds));
        const error = { code: err.code, message: err.message };
        // The holder's lock info at the top level (what the http state backend reads), the error beside it.
        ctx.body = err instanceof Locked ? { ...err.holder, error } : { error };
      } else if (err instanceof ZodError) {
        ctx.status = 400;
        ctx.body = {
          error: {
            code: 'invalid_request',
            message: err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
          },
        };
      } else if (isInvalidText(err)) {
        ctx.status = 400;
        ctx.body = { error: { code: 'invalid_text', message: 'the request contains characters that cannot be stored (such as NUL)' } };
      } else if (isUniqueViolation(err)) {
        ctx.status = 409;
        ctx.body = { error: { code: 'conflict', message: 'this already exists' } };
      } else if (typeof (err as { status?: number }).status === 'number' && (err as { status: number }).status < 500) {
        // Errors raised by Koa itself (ctx.throw, malformed requests).
        const status = (err as { status: number }).status;
        ctx.status = status;
        ctx.body = { error: { code: status === 405 ? 'method_not_allowed' : 'bad_request', message: (err as Error).message } };
      } else {
        ctx.state.log.error({ err }, 'unhandled error');
        ctx.status = 500;
        ctx.body = { error: { code: 'internal', message: `internal error (request ${ctx.state.requestId})` } };
      }
    }
  };
}
