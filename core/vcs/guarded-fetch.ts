import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { checkDestination, pinnedLookup, type CheckedDestination, type NetworkPolicy } from './network-policy';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: GitHub and Azure DevOps use Authorization, GitLab PRIVATE-TOKEN / JOB-TOKEN. */
const CREDENTIAL_HEADERS = ['authorization', 'private-token', 'job-token', 'cookie'];
/** Connection pools kept per guarded fetch: one per (host, checked address); the oldest is closed beyond this. */
const MAX_POOLS = 16;

/** Extra trust for TLS connections: a private CA (an internal endpoint's, or a test's). */
export interface GuardedTls {
  ca?: string;
}

/**
 * Connection pools whose sockets can only reach one checked address. A pool is keyed by host AND address, so a
 * kept-alive socket is reused only for the very address the policy approved for this request.
 */
class PinnedPools {
  private readonly pools = new Map<string, Agent>();

  constructor(private readonly tls: GuardedTls = {}) {}

  for(destination: CheckedDestination): Agent {
    const key = `${destination.hostname}\n${destination.address}`;
    let pool = this.pools.get(key);
    if (pool) {
      this.pools.delete(key);
    } else {
      pool = new Agent({ connect: { lookup: pinnedLookup(destination), ...(this.tls.ca ? { ca: this.tls.ca } : {}) }, keepAliveTimeout: 10_000 });
      const oldest = this.pools.keys().next();
      if (this.pools.size >= MAX_POOLS && !oldest.done) {
        void this.pools.get(oldest.value)!.close().catch(() => undefined);
        this.pools.delete(oldest.value);
      }
    }
    this.pools.set(key, pool);
    return pool;
  }
}

/**
 * `fetch` that applies the network policy to every request and to every redirect hop (GitHub answers archive
 * downloads with a redirect to another host), connects to exactly the address it checked (the host is resolved
 * once per hop; no second DNS answer can redirect the connection), and drops the credential headers when a
 * redirect leaves the origin so a token is never sent to a host it was not meant for.
 */
export function guardedFetch(policy: NetworkPolicy, maxRedirects = 5, tls: GuardedTls = {}): typeof fetch {
  const pools = new PinnedPools(tls);
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    let method = init?.method ?? 'GET';
    let body = init?.body;
    for (let hop = 0; ; hop++) {
      const destination = await checkDestination(url.origin, policy);
      const res = (await undiciFetch(url, {
        ...(init as UndiciRequestInit),
        method,
        body: body as UndiciRequestInit['body'],
        headers: headers as unknown as UndiciRequestInit['headers'],
        redirect: 'manual',
        dispatcher: pools.for(destination),
      })) as unknown as Response;
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location) return res;
      await res.body?.cancel();
      if (hop >= maxRedirects) throw new Error(`more than ${maxRedirects} redirects from ${url.origin}`);
      const next = new URL(location, url);
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  };
}
