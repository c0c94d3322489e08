import { Invalid } from '../errors';
import { guardedFetch, type GuardedTls } from '../vcs/guarded-fetch';
import { checkBaseUrl, type NetworkPolicy } from '../vcs/network-policy';
import { VcsUnavailable } from '../vcs/errors';

/** Redirects followed per delivery; every hop is checked against the network policy. */
export const WEBHOOK_MAX_REDIRECTS = 5;
/** How long one attempt may take, redirects included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** The policy's messages speak of VCS base URLs; a webhook owner reads about their webhook URL. */
function reworded(err: Invalid): Invalid {
  const message = err.message.replace(/the base URL/gi, 'the webhook URL').replace(/STRATA_VCS_ALLOW_PRIVATE_NETWORKS/g, 'STRATA_ALLOW_PRIVATE_NETWORKS');
  return new Invalid(message, err.code === 'vcs_base_url_forbidden' ? 'webhook_url_forbidden' : 'webhook_url_invalid');
}

/**
 * Checks a webhook URL when it is saved: absolute https (http only with private networks allowed), no credentials
 * or fragment, and a host that resolves to public addresses only (unless private networks are allowed). A query
 * string is kept (some receivers route on it). Deliveries check again, on every hop.
 * @throws Invalid `webhook_url_invalid` | `webhook_url_forbidden` | `webhook_url_unresolvable`
 */
export async function checkWebhookUrl(raw: string, policy: NetworkPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Invalid(`the webhook URL ${JSON.stringify(raw)} is not an absolute URL`, 'webhook_url_invalid');
  }
  if (url.username || url.password || url.hash) throw new Invalid('the webhook URL must not contain credentials or a fragment', 'webhook_url_invalid');
  try {
    await checkBaseUrl(url.origin, policy);
  } catch (err) {
    if (err instanceof Invalid) throw reworded(err);
    if (err instanceof VcsUnavailable) throw new Invalid(`the webhook URL's host ${url.hostname} does not resolve`, 'webhook_url_unresolvable');
    throw err;
  }
  return url.href;
}

/** What one attempt came to. */
export interface AttemptOutcome {
  delivered: boolean;
  responseCode: number | null;
  durationMs: number;
  /** Why it failed (status line and the start of the answer, a refused redirect, a timeout); null when delivered. */
  error: string | null;
}

/**
 * POSTs one signed body to the endpoint through the guarded fetch: every redirect hop (at most
 * {@link WEBHOOK_MAX_REDIRECTS}) is checked against the network policy and the connection pinned to the checked
 * address. Any 2xx is delivered; everything else (other status, refused hop, timeout, network error) is a failed
 * attempt, described, never thrown.
 */
export async function postWebhook(input: { url: string; headers: Record<string, string>; body: string; policy: NetworkPolicy; tls?: GuardedTls; timeoutMs?: number }): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const fetch = guardedFetch(input.policy, WEBHOOK_MAX_REDIRECTS, input.tls);
    const res = await fetch(input.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Strata-Webhooks/1', ...input.headers },
      body: input.body,
      signal: AbortSignal.timeout(input.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
    });
    const text = res.ok ? (await res.body?.cancel(), '') : (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { delivered: true, responseCode: res.status, durationMs: elapsed(), error: null };
    return { delivered: false, responseCode: res.status, durationMs: elapsed(), error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (err) {
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    let error: string;
    if (e instanceof Invalid) error = reworded(e).message;
    else if (e.name === 'TimeoutError' || e.name === 'AbortError') error = `no answer within ${(input.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s`;
    else error = e.cause?.code ? `${e.cause.code}: ${e.cause.message ?? e.message}` : e.message;
    return { delivered: false, responseCode: null, durationMs: elapsed(), error };
  }
}
