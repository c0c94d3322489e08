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

/** The sign-in link that brings the user back to `path` afterwards. */
export function loginHref(path: string): string {
  const back = safeReturnTo(path, '');
  return back && back !== '/' ? `/login?returnTo=${encodeURIComponent(back)}` : '/login';
}

const SSO_ERRORS: Record<string, string> = {
  access_denied: 'The identity provider did not let you sign in (access was denied or cancelled).',
  sso_failed: 'Single sign-on did not complete. Try again, or sign in with your password.',
  invalid_state: 'The single sign-on attempt expired or was started in another tab. Try again.',
  sso_state: 'The single sign-on attempt expired or was started in another tab. Try again.',
  no_account: 'Your identity provider account is not linked to a Strata user. Ask an administrator to invite you.',
  account_disabled: 'This account is disabled. Ask an administrator.',
  provider_unavailable: 'The identity provider could not be reached. Try again in a moment.',
  session_expired: 'Your session has ended. Sign in again.',
};

/** A sentence for an `?error=` code an SSO callback sent back; unknown codes get a generic one, never echoed. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return SSO_ERRORS[code] ?? 'Signing in did not work. Try again, or sign in with your password.';
}
