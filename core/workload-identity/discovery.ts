import { WORKLOAD_ALG } from './keyring';
import { STRATA_CLAIMS } from './tokens';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The OpenID Provider metadata clouds read to trust Strata's run ID tokens (AWS IAM OIDC providers, Entra
 * federated credentials, GCP workload identity pools): the issuer is the public URL, keys at {@link JWKS_PATH}.
 * Strata issues ID tokens to its own runs only, so there is no authorization or token endpoint.
 */
export function openIdConfiguration(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}${JWKS_PATH}`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [WORKLOAD_ALG],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', ...STRATA_CLAIMS],
  };
}
