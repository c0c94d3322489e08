import { callbackQuery, loginQuery, providerParams } from '../routes/sso/schemas';
import { ssoProviderList } from '../routes/sso/shapes';
import { ok, type RouteSpec } from './route-spec';

const redirect = (description: string) => ({ description, schema: null });

/** Single sign-on with OpenID Connect providers (browser redirects). */
export const ssoRoutes: RouteSpec[] = [
  { method: 'get', path: '/api/v1/auth/providers', summary: 'Sign-in providers configured for single sign-on', responses: { 200: ok('providers', ssoProviderList) }, errors: [] },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/{provider}/login',
    summary: 'Start signing in with a provider: redirects to it (authorization code with PKCE)',
    description: '`returnTo` is a path on this server to open afterwards (another origin is ignored). When the provider cannot be reached a browser is sent to `/login?error=sso_unavailable`; a request asking for JSON gets 503.',
    params: providerParams,
    query: loginQuery,
    responses: { 302: redirect('to the identity provider') },
    errors: [400, 404, 503],
  },
  {
    method: 'get',
    path: '/api/v1/auth/oidc/{provider}/callback',
    summary: "The provider's redirect back: opens a session and redirects to `returnTo`",
    description:
      'Sets the session cookie and redirects (302) to the path the sign-in started with. A refused sign-in (`sso_state_mismatch`, `sso_failed`, `sso_denied`, `sso_email_unverified`, …) redirects a browser to `/login?error=<code>`; a request asking for JSON gets the error.',
    params: providerParams,
    query: callbackQuery,
    responses: { 302: redirect('signed in, or refused (to /login?error=…)') },
    errors: [400, 401, 404, 503],
  },
];
