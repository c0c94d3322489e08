import type { Middleware } from 'koa';
import type { Config } from '../../core/config';
import type { AppState } from '../deps';

/** Answers of the API are data, never documents to render or frame (the dashboard sets its own policy). */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// A year: browsers remember to use HTTPS only for this origin. Subdomains are the operator's to decide.
const HSTS = 'max-age=31536000';

/**
 * The headers every answer carries: HSTS when the registry is reached over HTTPS (served here, or behind a
 * TLS-terminating proxy whose public URL is https), no MIME sniffing, no referrer outside the origin, no
 * framing. Set before the handlers run, so error answers carry them too; the dashboard replaces the CSP of its
 * pages with one that lets them load their own scripts.
 */
export function securityHeaders(config: Pick<Config, 'tls' | 'publicUrl'>): Middleware<AppState> {
  const hsts = hstsHeader(config);
  const headers: [string, string][] = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'same-origin'],
    ['X-Frame-Options', 'DENY'],
    ['Content-Security-Policy', API_CSP],
    ...(hsts ? ([['Strict-Transport-Security', hsts]] as [string, string][]) : []),
  ];
  return (ctx, next) => {
    for (const [name, value] of headers) ctx.set(name, value);
    return next();
  };
}

/** The HSTS header value when the registry is reached over HTTPS, else null (the fast path sets it too). */
export function hstsHeader(config: Pick<Config, 'tls' | 'publicUrl'>): string | null {
  return config.tls || config.publicUrl.startsWith('https:') ? HSTS : null;
}
