import type {
  Accepted,
  ApiToken,
  CatalogPage,
  CatalogSearch,
  CreatedToken,
  DownloadSeries,
  GpgKey,
  ModuleDetail,
  ProviderDetail,
  Scope,
  VcsConnection,
  VcsConnectionChecked,
  VcsConnectionInput,
  VcsDelivery,
  VcsLink,
  VcsLinkCreated,
  VcsLinkInput,
  VcsRepository,
  VcsSyncAccepted,
  VcsTagPreview,
  VcsViolation,
  WorkflowFilter,
  WorkflowPage,
  WorkflowView,
} from './types';

/** An API failure with the server's `{ error: { code, message } }`, or one made up for network trouble. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True when the request needs someone signed in (or a valid token): the page should offer to sign in. */
  get needsSignIn(): boolean {
    return this.status === 401;
  }
}

export interface ApiClientOptions {
  /** Origin of the API; same origin when empty. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** An API token to send as a bearer, read on every request (it may be pasted or cleared at any time). */
  token?: () => string | null;
  /** The session's CSRF token, sent with every mutation when no bearer token is in use (cookie sign-in). */
  csrf?: () => string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Query = Record<string, string | number | undefined | null>;

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

type ModuleAddress = { namespace: string; name: string; system: string };
const modulePath = (m: ModuleAddress) => `/api/v1/modules/${seg(m.namespace)}/${seg(m.name)}/${seg(m.system)}`;
export const jsonBody = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

async function readError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: a proxy's error page, an empty body
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(res.status, error.code, error.message);
  }
  const text = res.status >= 500 ? 'the registry had a problem answering; try again in a moment' : `the request was refused (${res.status} ${res.statusText})`;
  return new ApiError(res.status, `http_${res.status}`, text);
}

/** Typed client of the Strata API: checks `res.ok` and throws `ApiError` with the server's message. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly token: () => string | null;
  private readonly csrf: () => string | null;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.token = options.token ?? (() => null);
    this.csrf = options.csrf ?? (() => null);
  }

  async request<T>(method: string, path: string, init: { query?: Query; body?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    else {
      const csrf = this.csrf();
      if (csrf && !SAFE_METHODS.has(method)) headers['x-csrf-token'] = csrf;
    }
    let res: Response;
    try {
      // The session cookie goes along (HttpOnly: the page never sees it), to this origin only.
      res = await this.fetchImpl(`${this.baseUrl}${path}${queryString(init.query)}`, { method, headers, body: init.body, signal: init.signal, credentials: 'same-origin' });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'network', 'could not reach the registry: check your connection and try again');
    }
    if (!res.ok) throw await readError(res);
    if (res.status === 204) return undefined as T;
    // "Accepted, nothing to tell" (a reset link requested): Koa fills an empty 202 with its status text.
    if (res.status === 202 && !res.headers.get('content-type')?.includes('json')) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError(res.status, 'invalid_response', 'the registry answered with something that is not JSON');
    }
  }

  /**
   * Opens a streamed GET (Server-Sent Events read with `fetch`, so a pasted token goes in the header like on
   * every other request) and hands back the response whose body the caller reads.
   */
  async openStream(path: string, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...init.headers };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, { method: 'GET', headers, signal: init.signal, credentials: 'same-origin', cache: 'no-store' });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'network', 'could not reach the registry: check your connection and try again');
    }
    if (!res.ok || !res.body) throw await readError(res);
    return res;
  }

  search(s: CatalogSearch, signal?: AbortSignal): Promise<CatalogPage> {
    return this.request('GET', '/api/v1/search', {
      query: { q: s.q, namespace: s.namespace, provider: s.provider, kind: s.kind, sort: s.sort, page: s.page, per_page: s.perPage },
      signal,
    });
  }

  module(namespace: string, name: string, system: string, signal?: AbortSignal): Promise<ModuleDetail> {
    return this.request('GET', `/api/v1/modules/${seg(namespace)}/${seg(name)}/${seg(system)}`, { signal });
  }

  moduleDownloads(namespace: string, name: string, system: string, days = 90, signal?: AbortSignal): Promise<DownloadSeries> {
    return this.request('GET', `/api/v1/modules/${seg(namespace)}/${seg(name)}/${seg(system)}/downloads`, { query: { days }, signal });
  }

  provider(namespace: string, type: string, signal?: AbortSignal): Promise<ProviderDetail> {
    return this.request('GET', `/api/v1/providers/${seg(namespace)}/${seg(type)}`, { signal });
  }

  async gpgKeys(namespace: string, signal?: AbortSignal): Promise<GpgKey[]> {
    return (await this.request<{ items: GpgKey[] }>('GET', `/api/v1/namespaces/${seg(namespace)}/gpg-keys`, { signal })).items;
  }

  /** Uploads a module archive; the publish runs as a workflow to follow. */
  publishModule(m: { namespace: string; name: string; system: string; version: string }, archive: Blob & { name?: string }): Promise<Accepted> {
    const zip = archive.name?.toLowerCase().endsWith('.zip') || archive.type === 'application/zip';
    return this.request('POST', `/api/v1/modules/${seg(m.namespace)}/${seg(m.name)}/${seg(m.system)}/${seg(m.version)}`, {
      body: archive,
      headers: { 'content-type': zip ? 'application/zip' : 'application/gzip' },
    });
  }

  /** Uploads goreleaser release files (zips, SHA256SUMS, .sig, optional manifest) as multipart. */
  publishProvider(p: { namespace: string; type: string; version: string }, files: File[]): Promise<Accepted> {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return this.request('POST', `/api/v1/providers/${seg(p.namespace)}/${seg(p.type)}/${seg(p.version)}`, { body: form });
  }

  workflows(f: WorkflowFilter, signal?: AbortSignal): Promise<WorkflowPage> {
    return this.request('GET', '/api/v1/workflows', { query: { kind: f.kind, status: f.status, q: f.q, pageToken: f.pageToken }, signal });
  }

  workflow(workflowId: string, signal?: AbortSignal): Promise<WorkflowView> {
    return this.request('GET', `/api/v1/workflows/${seg(workflowId)}`, { signal });
  }

  /**
   * URL of the workflow's live event stream. A signed-in browser's cookie goes along by itself; `EventSource`
   * cannot send headers, so a pasted API token travels in the query string: the one route that accepts it there.
   */
  workflowEventsUrl(workflowId: string): string {
    return `${this.baseUrl}/api/v1/workflows/${seg(workflowId)}/events${queryString({ token: this.token() })}`;
  }

  async tokens(): Promise<ApiToken[]> {
    return (await this.request<{ items: ApiToken[] }>('GET', '/api/v1/tokens')).items;
  }

  /** A token acting as the caller; `scopes` narrows it, `expiresInDays` ends it (none: until revoked). */
  createToken(name: string, options: { scopes?: Scope[]; expiresInDays?: number } = {}): Promise<CreatedToken> {
    return this.request('POST', '/api/v1/tokens', jsonBody({ name, ...options }));
  }

  revokeToken(id: string): Promise<void> {
    return this.request('DELETE', `/api/v1/tokens/${seg(id)}`);
  }

  async vcsConnections(signal?: AbortSignal): Promise<VcsConnection[]> {
    return (await this.request<{ items: VcsConnection[] }>('GET', '/api/v1/vcs/connections', { signal })).items;
  }

  /** Saves a connection; the server validates it at once (its token is never returned). */
  createVcsConnection(input: VcsConnectionInput): Promise<VcsConnectionChecked> {
    return this.request('POST', '/api/v1/vcs/connections', jsonBody(input));
  }

  validateVcsConnection(id: string): Promise<VcsConnectionChecked> {
    return this.request('POST', `/api/v1/vcs/connections/${seg(id)}/validate`);
  }

  deleteVcsConnection(id: string): Promise<void> {
    return this.request('DELETE', `/api/v1/vcs/connections/${seg(id)}`);
  }

  async vcsRepositories(connectionId: string, signal?: AbortSignal): Promise<VcsRepository[]> {
    return (await this.request<{ items: VcsRepository[] }>('GET', `/api/v1/vcs/connections/${seg(connectionId)}/repositories`, { signal })).items;
  }

  /** A repository's tags with their commits and the version each maps to under `tagPattern`. */
  async vcsTags(connectionId: string, repository: string, tagPattern?: string, signal?: AbortSignal): Promise<VcsTagPreview[]> {
    const path = `/api/v1/vcs/connections/${seg(connectionId)}/tags`;
    return (await this.request<{ items: VcsTagPreview[] }>('GET', path, { query: { repository, tagPattern }, signal })).items;
  }

  vcsLink(m: ModuleAddress, signal?: AbortSignal): Promise<VcsLink> {
    return this.request('GET', `${modulePath(m)}/vcs`, { signal });
  }

  /** Links a module (created when new) to a repository; the answer holds the webhook secret, shown only now. */
  linkModule(m: ModuleAddress, input: VcsLinkInput): Promise<VcsLinkCreated> {
    return this.request('POST', `${modulePath(m)}/vcs`, jsonBody(input));
  }

  unlinkModule(m: ModuleAddress): Promise<void> {
    return this.request('DELETE', `${modulePath(m)}/vcs`);
  }

  syncVcsLink(m: ModuleAddress): Promise<VcsSyncAccepted> {
    return this.request('POST', `${modulePath(m)}/vcs/sync`);
  }

  async vcsDeliveries(m: ModuleAddress, limit = 20, signal?: AbortSignal): Promise<VcsDelivery[]> {
    return (await this.request<{ items: VcsDelivery[] }>('GET', `${modulePath(m)}/vcs/deliveries`, { query: { limit }, signal })).items;
  }

  async vcsViolations(m: ModuleAddress, limit = 50, signal?: AbortSignal): Promise<VcsViolation[]> {
    return (await this.request<{ items: VcsViolation[] }>('GET', `${modulePath(m)}/vcs/violations`, { query: { limit }, signal })).items;
  }
}

/** Any thrown value as a sentence for the page. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return 'something went wrong';
}

/** Any thrown value as an `ApiError`, for pages that show failures with `ErrorBox`. */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'client', err instanceof Error ? err.message : String(err));
}
