import { checkBaseUrl, type NetworkPolicy } from './network-policy';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: GitHub and Azure DevOps use Authorization, GitLab PRIVATE-TOKEN / JOB-TOKEN. */
const CREDENTIAL_HEADERS = ['authorization', 'private-token', 'job-token', 'cookie'];

/**
 * `fetch` that applies the network policy to every request and to every redirect hop (GitHub answers archive
 * downloads with a redirect to another host), and drops the credential headers when a redirect leaves the
 * origin so a token is never sent to a host it was not meant for.
 */
export function guardedFetch(policy: NetworkPolicy, maxRedirects = 5): typeof fetch {
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    let method = init?.method ?? 'GET';
    let body = init?.body;
    for (let hop = 0; ; hop++) {
      await checkBaseUrl(url.origin, policy);
      const res = await fetch(url, { ...init, method, body, headers, redirect: 'manual' });
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
