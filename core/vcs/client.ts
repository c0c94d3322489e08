import { Invalid } from '../errors';
import type { VcsCredentials } from './credentials';
import { checkBaseUrl, type NetworkPolicy } from './network-policy';
import { GITHUB_API, GITLAB_COM, type VcsClient, type VcsKind } from './types';

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
 * Each provider's SDK (octokit, gitbeaker, azure-devops-node-api: ~15-25 MB resident each) is loaded on first
 * use, so a process that never talks to that provider never holds it.
 * @throws Invalid `vcs_app_auth_unsupported` for GitHub App credentials on another provider
 */
export async function openVcsClient(input: { kind: VcsKind; baseUrl: string | null; policy: NetworkPolicy } & VcsCredentials): Promise<VcsClient> {
  const baseUrl = await resolveBaseUrl(input.kind, input.baseUrl, input.policy);
  const credentials: VcsCredentials = 'app' in input ? { app: input.app } : { token: input.token };
  if (input.kind === 'github') {
    const { GitHubClient } = await import('./providers/github');
    return new GitHubClient({ baseUrl, credentials, policy: input.policy });
  }
  if (!('token' in credentials)) throw new Invalid('only GitHub connections can authenticate as a GitHub App', 'vcs_app_auth_unsupported');
  const options = { baseUrl, token: credentials.token, policy: input.policy };
  if (input.kind === 'gitlab') {
    const { GitLabClient } = await import('./providers/gitlab');
    return new GitLabClient(options);
  }
  const { AzureDevOpsClient } = await import('./providers/azure-devops');
  return new AzureDevOpsClient(options);
}
