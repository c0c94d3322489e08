import { Invalid } from '../errors';
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

/** A client for one connection, after the base URL passed the network policy. The token stays inside it. */
export async function openVcsClient(input: { kind: VcsKind; baseUrl: string | null; token: string; policy: NetworkPolicy }): Promise<VcsClient> {
  const baseUrl = await resolveBaseUrl(input.kind, input.baseUrl, input.policy);
  const options = { baseUrl, token: input.token, policy: input.policy };
  switch (input.kind) {
    case 'github':
      return new GitHubClient(options);
    case 'gitlab':
      return new GitLabClient(options);
    case 'azure-devops':
      return new AzureDevOpsClient(options);
  }
}
