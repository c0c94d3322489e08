import { Invalid } from '../errors';
import { VcsUnavailable } from '../vcs/errors';
import { checkBaseUrl, type NetworkPolicy } from '../vcs/network-policy';
import { CLOUD_ENDPOINTS } from './endpoints';
import { parseServiceAccountJson, type CredentialKind, type CredentialSecret, type CredentialSettings, type ParsedCredential } from './kinds';

/**
 * The URLs a credential makes Strata call (`settings.endpoint`, a GCP key file's `token_uri`) obey the same
 * private-network policy as VCS base URLs: https to public addresses only, unless `STRATA_ALLOW_PRIVATE_NETWORKS`.
 * @throws Invalid `credential_endpoint_invalid`, `credential_endpoint_forbidden`, `credential_endpoint_unresolvable`
 */
export async function checkCloudUrls(credential: ParsedCredential, policy: NetworkPolicy): Promise<void> {
  for (const url of credentialUrls(credential.kind, credential.secret, credential.settings)) {
    const what = url === credential.settings.endpoint ? 'settings.endpoint' : 'the service-account key\'s token_uri';
    try {
      await checkBaseUrl(url, policy);
    } catch (err) {
      if (err instanceof VcsUnavailable) throw new Invalid(`${what} ${url}: ${err.message}`, 'credential_endpoint_unresolvable');
      if (!(err instanceof Invalid)) throw err;
      if (err.code === 'vcs_base_url_forbidden') {
        throw new Invalid(
          `${what} ${url} is on a loopback, link-local or private network or uses plain http; an operator can allow that with STRATA_ALLOW_PRIVATE_NETWORKS=true`,
          'credential_endpoint_forbidden',
        );
      }
      throw new Invalid(`${what} ${url} must be an absolute https URL without credentials, query or fragment`, 'credential_endpoint_invalid');
    }
  }
}

/** The user-supplied URLs a credential makes Strata call: its endpoint and (GCP) the key file's token URI. */
export function credentialUrls(kind: CredentialKind, secret: CredentialSecret, settings: CredentialSettings): string[] {
  const urls = settings.endpoint ? [settings.endpoint] : [];
  if (kind === 'gcp') {
    const key = parseServiceAccountJson(secret.serviceAccountJson ?? '');
    if (key.ok && key.key.token_uri && key.key.token_uri !== CLOUD_ENDPOINTS.gcpToken) urls.push(key.key.token_uri);
  }
  return urls;
}
