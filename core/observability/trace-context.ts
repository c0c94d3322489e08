import { AsyncLocalStorage } from 'node:async_hooks';
import { ScopedStorage } from './scoped-storage';

/**
 * The trace id of the work in progress (an API request and everything it starts: the workflow, its activities),
 * carried by async context so every log line written on its behalf names it, whichever logger writes it.
 */
const current = new AsyncLocalStorage<string>();
const scope = new ScopedStorage(current);

export function runWithTraceId<T>(traceId: string, fn: () => T | Promise<T>): Promise<T> {
  return scope.run(() => current.run(traceId, fn));
}

export function currentTraceId(): string | undefined {
  return current.getStore();
}

/**
 * The trace id of an incoming request: a W3C `traceparent` header's (so a proxy's or a caller's trace continues
 * here), or the request id.
 */
export function traceIdOf(traceparent: string | undefined, requestId: string): string {
  const id = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent ?? '')?.[1];
  return id && !/^0+$/.test(id) ? id : requestId;
}
