import { guardedFetch, type GuardedTls } from '../vcs/guarded-fetch';
import type { NetworkPolicy } from '../vcs/network-policy';
import { Invalid } from '../errors';
import { reworded } from './webhook-url';

/** Redirects followed per delivery; every hop is checked against the network policy. */
export const WEBHOOK_MAX_REDIRECTS = 5;
/** How long one attempt may take, redirects included. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

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
