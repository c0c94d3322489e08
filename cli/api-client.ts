import { ApiError, CliError } from './errors';
import { oneLine, terminalSafe, terminalSafeDeep } from './terminal-safe';

/** A request body `fetch` can send; async iterables are streamed with chunked encoding. */
export type RequestBody = string | FormData | AsyncIterable<Uint8Array>;

// Certificate problems Node reports by code: the fix is almost always a CA bundle in NODE_EXTRA_CA_CERTS.
const TLS_TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/**
 * The Strata API over `fetch`. Every non-2xx answer becomes an {@link ApiError} carrying the API's
 * `{ "error": { "code", "message" } }`; a server that cannot be reached becomes a {@link CliError} that says why.
 */
export class ApiClient {
  constructor(private readonly options: { url: string; token: string | undefined }) {}

  /** Sends a request and returns the parsed JSON answer (null for an empty one, such as a 204). */
  async request<T>(method: string, path: string, init: { body?: RequestBody; headers?: Record<string, string> } = {}): Promise<T> {
    const res = await this.send(method, path, init);
    const text = await res.text();
    if (text === '') return null as T;
    try {
      return terminalSafeDeep(JSON.parse(text) as T);
    } catch {
      throw new CliError(`${method} ${this.options.url}${path} answered ${res.status} with a body that is not JSON: ${excerpt(text)}`);
    }
  }

  /** GETs a plain-text answer (logs), made terminal-safe. */
  async text(path: string): Promise<string> {
    const res = await this.send('GET', path, { headers: { accept: 'text/plain' } });
    return terminalSafe(await res.text());
  }

  /**
   * Opens a Server-Sent Events stream and returns the answer, checked to be one: read its body with
   * {@link readEvents}. `lastEventId` resumes a stream after a dropped connection.
   */
  async eventStream(path: string, options: { lastEventId?: string; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (options.lastEventId) headers['last-event-id'] = options.lastEventId;
    const res = await this.send('GET', path, { headers, signal: options.signal });
    if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) {
      await res.body?.cancel();
      throw new CliError(`GET ${this.options.url}${path} did not answer with an event stream`);
    }
    return res;
  }

  /** Sends `body` as JSON. */
  json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    if (body === undefined) return this.request<T>(method, path, { headers });
    return this.request<T>(method, path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }

  /** Sends the request; a non-2xx answer becomes an {@link ApiError}, a network failure a {@link CliError}. */
  private async send(
    method: string,
    path: string,
    init: { body?: RequestBody; headers?: Record<string, string>; signal?: AbortSignal },
  ): Promise<Response> {
    const url = `${this.options.url}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const streamed = init.body !== undefined && typeof init.body !== 'string' && !(init.body instanceof FormData);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: init.body as BodyInit | undefined,
        signal: init.signal,
        // Required by fetch for a streamed body; the request is sent while the body is still being produced.
        ...(streamed ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (err) {
      throw unreachable(this.options.url, err);
    }
    if (!res.ok) throw apiError(res, await res.text());
    return res;
  }

}

function apiError(res: Response, text: string): ApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (parsed.error && typeof parsed.error.code === 'string' && typeof parsed.error.message === 'string') {
      return new ApiError(res.status, oneLine(parsed.error.code), terminalSafe(parsed.error.message));
    }
  } catch {
    // Not the API's error shape: a proxy or load balancer answered. Show what it said.
  }
  const detail = text.trim() ? `: ${excerpt(text)}` : '';
  return new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status} ${oneLine(res.statusText)}${detail}`);
}

function unreachable(baseUrl: string, err: unknown): CliError {
  // A streamed body that failed (a file vanished while packing) is our own error, not the network's.
  if (err instanceof CliError) return err;
  if ((err as { cause?: unknown }).cause instanceof CliError) return (err as { cause: CliError }).cause;
  // fetch throws a bare "fetch failed" TypeError; the reason is in its cause.
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  // A TLS failure's message names the certificate the server presented: server-supplied text as well.
  const reason = oneLine(cause?.message ?? (err as Error).message);
  let message = `cannot reach ${baseUrl}: ${reason}`;
  if (cause?.code && TLS_TRUST_ERRORS.has(cause.code)) {
    message += ' (if the server uses a private CA, point NODE_EXTRA_CA_CERTS at its certificate)';
  } else if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND') {
    message += ' (is STRATA_URL right?)';
  }
  return new CliError(message);
}

function excerpt(text: string): string {
  const line = oneLine(text).replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
