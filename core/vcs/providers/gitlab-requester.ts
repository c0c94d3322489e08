import { createRequesterFn, getMatchingRateLimiter, type RateLimiters, type RequesterType, type ResourceOptions } from '@gitbeaker/requester-utils';
import { GitbeakerRequestError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { guardedFetch } from '../guarded-fetch';
import type { NetworkPolicy } from '../network-policy';

async function parseBody(res: Response, asStream: boolean): Promise<unknown> {
  if (asStream) return res.body;
  if (res.status === 204) return null;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (type === 'application/json') return (await res.json()) || {};
  if (type.startsWith('text/')) return (await res.text()) || '';
  return res.blob();
}

/** The same error gitbeaker's own requester throws, so callers read `cause.response.status` as usual. */
async function requestError(url: URL, init: RequestInit, res: Response): Promise<GitbeakerRequestError> {
  const content = await res.text();
  let description = content;
  if (res.headers.get('content-type')?.includes('application/json')) {
    try {
      const parsed = JSON.parse(content) as { error?: unknown; message?: unknown } | null;
      const detail = parsed?.error ?? parsed?.message ?? '';
      description = typeof detail === 'string' ? detail : JSON.stringify(detail);
    } catch {
      // Not JSON after all: keep the raw text.
    }
  }
  return new GitbeakerRequestError(description, { cause: { description, request: new Request(url, { method: init.method, headers: init.headers }), response: res } });
}

/**
 * A gitbeaker requester whose every request — and every redirect hop — goes through {@link guardedFetch}:
 * @gitbeaker/rest's own requester calls the global `fetch`, which follows redirects to any address unchecked.
 * It does not retry 429/502 itself (Temporal retries the activity instead of the client sleeping inside it).
 */
export function guardedGitLabRequester(policy: NetworkPolicy): (options: ResourceOptions) => RequesterType {
  const fetch = guardedFetch(policy);
  return createRequesterFn(
    async (_, options) => options,
    async (endpoint, options = {}) => {
      const { rateLimiters, agent: _agent, asStream, prefixUrl, searchParams, method, ...rest } = options as {
        rateLimiters?: RateLimiters;
        agent?: unknown;
        asStream?: boolean;
        prefixUrl?: string;
        searchParams?: string;
        method?: string;
      } & RequestInit;
      const base = prefixUrl ? (prefixUrl.endsWith('/') ? prefixUrl : `${prefixUrl}/`) : undefined;
      const url = new URL(endpoint, base);
      url.search = searchParams ?? '';
      await getMatchingRateLimiter(endpoint, rateLimiters, method)();
      const init: RequestInit = { ...rest, method };
      const res = await fetch(url, init).catch((err: Error) => {
        if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new GitbeakerTimeoutError('Query timeout was reached');
        throw err;
      });
      if (!res.ok) throw await requestError(url, init, res);
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { body: (await parseBody(res, asStream ?? false)) as never, headers, status: res.status };
    },
  );
}
