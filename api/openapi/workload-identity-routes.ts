import { jwks, openIdConfiguration } from '../routes/workload-identity/shapes';
import { ok, type RouteSpec } from './route-spec';

/** Strata as the OpenID Connect issuer of its runs' ID tokens (workload identity federation with clouds). */
export const workloadIdentityRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/.well-known/openid-configuration',
    summary: 'OpenID Provider metadata of the issuer of run ID tokens',
    description: 'The issuer is the public URL. Clouds (AWS IAM OIDC providers, Entra federated credentials, GCP workload identity pools) read it to trust the tokens runs present.',
    responses: { 200: ok('metadata', openIdConfiguration) },
    errors: [],
  },
  {
    method: 'get',
    path: '/.well-known/jwks.json',
    summary: 'Public keys that verify run ID tokens (RS256)',
    description: 'The current key, a successor published ahead of taking over, and retired keys until the last token they signed has expired.',
    responses: { 200: ok('key set', jwks) },
    errors: [],
  },
];
