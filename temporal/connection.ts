import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions, type WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import proto from '@temporalio/proto';
import { ScopedStorage } from '../core/observability/scoped-storage';
import { currentTraceId } from '../core/observability/trace-context';
import { TRACE_HEADER } from '../workflows/trace-interceptor';
import { strataSearchAttributes } from './search-attributes';
import { clientTracingInterceptors } from './tracing';

const GRPC_ALREADY_EXISTS = 6;

/**
 * gRPC's reconnect backoff grows to 120 s by default: a Temporal server that was down for half a minute would
 * leave the API answering 503 for minutes after it came back. Retry the connection at least every 2 s instead.
 */
const RECONNECT = { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2000 };

/**
 * The SDK retries a failed call (Temporal unreachable) on a timer. A timer still pending when the connection closes
 * fires into a shut-down channel and throws "Channel has been shut down" out of the timer, an uncaught exception that
 * ends the process. This connection stops deciding to retry once it is closing, and lets the timers already set
 * (at most the SDK's 5 s backoff, jittered) fire on the still-open channel before it closes it. It also keeps the
 * SDK's call-context storage entered only while a call that uses it runs (core/observability/scoped-storage.ts).
 */
class CloseSafeConnection extends Connection {
  private retries = { closing: false, lastTimerEndsAt: 0 };
  /** Deadlines, abort signals and metadata travel in an AsyncLocalStorage: entered only while such a call runs. */
  private readonly callScope = new ScopedStorage(this.callContextStorage);

  override withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R> {
    return this.callScope.run(() => super.withDeadline(deadline, fn));
  }

  override withAbortSignal<R>(abortSignal: AbortSignal, fn: () => Promise<R>): Promise<R> {
    return this.callScope.run(() => super.withAbortSignal(abortSignal, fn));
  }

  override withMetadata<R>(metadata: Parameters<Connection['withMetadata']>[0], fn: () => Promise<R>): Promise<R> {
    return this.callScope.run(() => super.withMetadata(metadata, fn));
  }

  override withApiKey<R>(apiKey: string, fn: () => Promise<R>): Promise<R> {
    return this.callScope.run(() => super.withApiKey(apiKey, fn));
  }

  static open(options: Omit<ConnectionOptions, 'interceptors'>): Promise<CloseSafeConnection> {
    const retries = { closing: false, lastTimerEndsAt: 0 };
    const sdk = defaultGrpcRetryOptions();
    const interceptor = makeGrpcRetryInterceptor({
      retryableDecider: (attempt, status) => !retries.closing && sdk.retryableDecider(attempt, status),
      delayFunction: (attempt, status) => {
        const delay = sdk.delayFunction(attempt, status);
        retries.lastTimerEndsAt = Math.max(retries.lastTimerEndsAt, Date.now() + delay);
        return delay;
      },
    });
    const connection = CloseSafeConnection.lazy({ ...options, interceptors: [interceptor] }) as CloseSafeConnection;
    connection.retries = retries;
    return connection.ensureConnected().then(() => connection);
  }

  override async close(): Promise<void> {
    this.retries.closing = true;
    const pending = this.retries.lastTimerEndsAt - Date.now();
    if (pending > 0) await new Promise((resolve) => setTimeout(resolve, pending + 50));
    await super.close();
  }
}

export async function connectClient(input: { address: string; namespace: string }): Promise<Client> {
  const connection = await CloseSafeConnection.open({ address: input.address, channelArgs: RECONNECT });
  return new Client({ connection, namespace: input.namespace, interceptors: { workflow: [...(await clientTracingInterceptors()), traceHeader] } });
}

function withTraceId(headers: Headers): Headers {
  const traceId = currentTraceId();
  return traceId ? { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload(traceId) } : headers;
}

/** Hands the trace id of the request starting a workflow to the workflow (workflows/trace-interceptor.ts). */
const traceHeader: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withTraceId(input.headers) }),
  startWithDetails: (input, next) => next({ ...input, headers: withTraceId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withTraceId(input.headers) }),
};

/**
 * Registers Strata's custom search attributes (idempotent: existing ones are kept). Done at start-up by the
 * worker so that a fresh cluster or dev server can be filtered by StrataKind/StrataArtifact in the UI.
 */
export async function registerSearchAttributes(client: Client, namespace: string): Promise<void> {
  const existing = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = strataSearchAttributes.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await client.connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (err) {
    // Another process registered them first (gRPC ALREADY_EXISTS).
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
  }
}
