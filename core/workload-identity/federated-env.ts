import { join } from 'node:path';

/**
 * The environment a run needs to reach Azure with a Strata ID token instead of a client secret (the azurerm and
 * azuread providers' OIDC mode). The token's audience must be what the app's federated credential expects
 * (`api://AzureADTokenExchange` by default).
 */
export function azureFederatedEnv(input: { token: string; tenantId: string; clientId: string; subscriptionId: string }): Record<string, string> {
  return {
    ARM_USE_OIDC: 'true',
    ARM_OIDC_TOKEN: input.token,
    ARM_CLIENT_ID: input.clientId,
    ARM_TENANT_ID: input.tenantId,
    ARM_SUBSCRIPTION_ID: input.subscriptionId,
  };
}

/**
 * A workload identity pool provider's full resource name:
 * `//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`.
 */
export function gcpProviderResource(input: { projectNumber: string; poolId: string; providerId: string }): string {
  return `//iam.googleapis.com/projects/${input.projectNumber}/locations/global/workloadIdentityPools/${input.poolId}/providers/${input.providerId}`;
}

/** The `aud` a pool provider with no allowed audiences of its own accepts: its resource name as an https URL. */
export function gcpAudience(providerResource: string): string {
  return `https:${providerResource}`;
}

export interface FederatedFiles {
  env: Record<string, string>;
  /** Files the run must have before it starts (absolute paths; owner-only). */
  files: { path: string; contents: string; mode: number }[];
}

/**
 * The environment and files a run needs to reach Google Cloud through workload identity federation: the token in
 * a file, and a credential configuration of type `external_account` that tells Google's libraries (and so the
 * google provider and Pulumi, through Application Default Credentials) to exchange it at Google's STS, then, with
 * `serviceAccountEmail`, to impersonate that service account. Pure: the caller writes the files into `dir`.
 */
export function gcpFederatedEnv(input: {
  token: string;
  /** {@link gcpProviderResource}. */
  providerResource: string;
  serviceAccountEmail?: string;
  project?: string;
  /** A directory private to the run. */
  dir: string;
}): FederatedFiles {
  const tokenPath = join(input.dir, 'gcp-workload-token.jwt');
  const configPath = join(input.dir, 'gcp-credential-config.json');
  const config = {
    type: 'external_account',
    audience: input.providerResource,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: 'https://sts.googleapis.com/v1/token',
    ...(input.serviceAccountEmail
      ? { service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${input.serviceAccountEmail}:generateAccessToken` }
      : {}),
    credential_source: { file: tokenPath, format: { type: 'text' } },
  };
  const env: Record<string, string> = { GOOGLE_APPLICATION_CREDENTIALS: configPath };
  if (input.project) {
    env.GOOGLE_PROJECT = input.project;
    env.GOOGLE_CLOUD_PROJECT = input.project;
  }
  return {
    env,
    files: [
      { path: tokenPath, contents: input.token, mode: 0o600 },
      { path: configPath, contents: `${JSON.stringify(config, null, 2)}\n`, mode: 0o600 },
    ],
  };
}
