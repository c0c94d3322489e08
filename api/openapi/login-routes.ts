import { authorizeQuery, tokenRequest } from '../routes/oauth/schemas';
import { loginToken, oauthError } from '../routes/oauth/shapes';
import { ok, type RouteSpec } from './route-spec';

/** `terraform login` / `tofu login`: the login.v1 service of the discovery document (OAuth code + PKCE). */
export const loginRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/oauth/authorize',
    summary: 'login.v1 authorization: redirects a signed-in browser to the CLI with a single-use code',
    description:
      'Signed in (session cookie): 302 to `redirect_uri` (a loopback port from 10000 to 10010) with `code` and `state`. ' +
      'Not signed in: 302 to the dashboard sign-in, `/login?returnTo=…`, which comes back here.',
    query: authorizeQuery,
    responses: { 302: ok('to the CLI with a code, or to sign-in') },
    errors: [400],
  },
  {
    method: 'post',
    path: '/oauth/token',
    summary: 'login.v1 token: exchanges the code and its PKCE verifier for a personal API token',
    description: 'The token acts as the user who signed in (all of their roles) until revoked. Errors follow OAuth: `{error, error_description}`.',
    body: { 'application/x-www-form-urlencoded': tokenRequest },
    responses: { 200: ok('the API token', loginToken), 400: ok('OAuth error (invalid_grant, invalid_request, …)', oauthError) },
    errors: [413],
  },
];
