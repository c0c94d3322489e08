/**
 * Where to go after signing in: a path of this site only. Anything that could leave it (`//evil.example`,
 * `/\evil.example`, `https://…`, `javascript:`) falls back to the home page, so a crafted sign-in link cannot
 * send a freshly signed-in user elsewhere.
 */
export function safeReturnTo(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\]/.test(raw)) return fallback;
  try {
    const base = 'http://strata.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return fallback;
    if (url.pathname === '/login') return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/**
 * Paths the server answers itself rather than the dashboard (the API, the registry protocol, `tofu login`'s
 * `/oauth/authorize`): the same list the server keeps out of its dashboard fallback. Going to one takes a full
 * page load; the dashboard's router would only show its not-found page.
 */
const SERVER_PATH = /^\/(api|v1|\.well-known|healthz|readyz|oauth)(\/|$)/;

/** True when `path` (a path, maybe with a query) belongs to the server, not to the dashboard. */
export function isServerPath(path: string): boolean {
  return SERVER_PATH.test(path.split(/[?#]/, 1)[0]!);
}

/** The sign-in link that brings the user back to `path` afterwards. */
export function loginHref(path: string): string {
  const back = safeReturnTo(path, '');
  return back && back !== '/' ? `/login?returnTo=${encodeURIComponent(back)}` : '/login';
}

/** The codes the SSO routes (api/routes/sso/) put in `/login?error=<code>` when they refuse a sign-in. */
const SSO_ERRORS: Record<string, string> = {
  sso_state_mismatch: 'This sign-in was started in another browser or tab, or took longer than 10 minutes. Start it again.',
  sso_failed: 'Single sign-on did not complete: the identity provider refused it or its answer could not be verified. Try again, or sign in with your password.',
  sso_denied: 'The identity provider did not let you sign in (access was denied or the sign-in was cancelled).',
  sso_email_unverified: 'Your identity provider has not verified your email address, so it cannot be linked to your Strata account. Verify it there, or sign in with your password.',
  sso_email_missing: 'Your identity provider did not share an email address, which Strata needs to know who you are. Ask its administrator to release the email claim.',
  sso_unavailable: 'The identity provider cannot be reached right now. Try again in a moment, or sign in with your password.',
  sso_unknown_provider: 'That sign-in provider is not configured on this server. Choose one of the buttons below.',
  account_disabled: 'This account is disabled. Ask an administrator of this Strata server.',
};

/** A sentence for an `?error=` code an SSO callback sent back; unknown codes get a generic one, never echoed. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return SSO_ERRORS[code] ?? 'Signing in did not work. Try again, or sign in with your password.';
}
