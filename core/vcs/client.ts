import { Invalid } from '../errors';
import type { VcsCredentials } from './credentials';
import { checkBaseUrl, type NetworkPolicy } from './network-policy';
import { AzureDevOpsClient } from './providers/azure-devops';
import { GITHUB_API, GitHubClient } from './providers/github';
import { GITLAB_COM, GitLabClient } from './providers/gitlab';
import type { VcsClient, VcsKind } from './types';

/** The base URL a connection uses when none is given; Azure DevOps needs the organisation URL. */
export function defaultBaseUrl(kind: VcsKind): string | null {
  return kind === 'github' ? GITHUB_API : kind === 'gitlab' ? GITLAB_COM : null;
}

/**
 * Checks a connection's base URL against the network policy and returns it normalised.
 * @throws Invalid `vcs_base_url_required` (Azure DevOps without an organisation URL) or as {@link checkBaseUrl}
 */
export async function resolveBaseUrl(kind: VcsKind, baseUrl: string | null | undefined, policy: NetworkPolicy): Promise<string> {
  const url = baseUrl ?? defaultBaseUrl(kind);
  if (!url) throw new Invalid('Azure DevOps connections need the organisation URL as baseUrl (https://dev.azure.com/<org>)', 'vcs_base_url_required');
  return checkBaseUrl(url, policy);
}

/**
 * A client for one connection, after the base URL passed the network policy. The credentials stay inside it.
 * @throws Invalid `vcs_app_auth_unsupported` for GitHub App credentials on another provider
 */
export async function openVcsClient(input: { kind: VcsKind; baseUrl: string | null; policy: NetworkPolicy } & VcsCredentials): Promise<VcsClient> {
  const baseUrl = await resolveBaseUrl(input.kind, input.baseUrl, input.policy);
  const credentials: VcsCredentials = 'app' in input ? { app: input.app } : { token: input.token };
  if (input.kind === 'github') return new GitHubClient({ baseUrl, credentials, policy: input.policy });
  if (!('token' in credentials)) throw new Invalid('only GitHub connections can authenticate as a GitHub App', 'vcs_app_auth_unsupported');
  const options = { baseUrl, token: credentials.token, policy: input.policy };
  return input.kind === 'gitlab' ? new GitLabClient(options) : new AzureDevOpsClient(options);
}
