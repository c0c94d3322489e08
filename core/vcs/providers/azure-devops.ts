import { Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import * as azdev from 'azure-devops-node-api';
import type { IGitApi } from 'azure-devops-node-api/GitApi';
import { GitVersionType, VersionControlRecursionType, type GitRef } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { toVcsError } from '../errors';
import { checkDestination, pinnedLookup, type NetworkPolicy } from '../network-policy';
import { parseAzureRepository } from '../repository-name';
import { AZURE_HOOK_USER, type VcsArchive, type VcsClient, type VcsIdentity, type VcsRepository, type VcsTag, type WebhookRegistration } from '../types';

/** The location id of the Git "Refs" resource, as azure-devops-node-api's GitApi uses it. */
const REFS_LOCATION = '2d874a60-a811-4f62-9c9f-963a6ea0a55b';
/** The documented maximum page size of Refs - List. */
const REFS_PAGE = 1000;
const MAX_REF_PAGES = 100;

/** typed-rest-client answers 404 with a null result instead of an error. */
function found<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw Object.assign(new Error('not found'), { statusCode: 404 });
  return value;
}

/** Azure DevOps Services (`https://dev.azure.com/<org>`) or Server (collection URL) through azure-devops-node-api, with a PAT. */
export class AzureDevOpsClient implements VcsClient {
  readonly kind = 'azure-devops' as const;
  private readonly connection: azdev.WebApi;
  private git: Promise<IGitApi> | null = null;
  private pinned: { address: string; agent: HttpAgent } | null = null;

  constructor(private readonly options: { baseUrl: string; token: string; policy: NetworkPolicy }) {
    this.connection = new azdev.WebApi(options.baseUrl, azdev.getPersonalAccessTokenHandler(options.token), {
      allowRetries: false,
      // A redirect could lead off the checked host; Azure DevOps answers these calls directly.
      allowRedirects: false,
      socketTimeout: 60_000,
    });
  }

  /**
   * Checks the base URL's host once for this call and routes every socket of the underlying HTTP clients to
   * the address that passed the check (typed-rest-client offers no lookup option, so its agent is replaced).
   */
  private async pin(): Promise<void> {
    const destination = await checkDestination(this.options.baseUrl, this.options.policy);
    if (this.pinned?.address !== destination.address) {
      this.pinned?.agent.destroy();
      const options = { keepAlive: true, lookup: pinnedLookup(destination) };
      const agent = new URL(this.options.baseUrl).protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      this.pinned = { address: destination.address, agent };
    }
    const agent = this.pinned!.agent;
    const clients: unknown[] = [this.connection.rest.client];
    const git = this.git ? await this.git.catch(() => null) : null;
    if (git) clients.push(git.http, git.rest.client);
    for (const client of clients) (client as { _getAgent: () => HttpAgent })._getAgent = () => agent;
  }

  private async call<T>(attempted: string, fn: (git: IGitApi) => Promise<T>): Promise<T> {
    try {
      await this.pin();
      this.git ??= this.connection.getGitApi();
      const git = await this.git.catch((err) => {
        this.git = null;
        throw err;
      });
      // The Git API's own clients exist only now on a first call: pin them too before they send anything.
      await this.pin();
      return await fn(git);
    } catch (err) {
      throw toVcsError('azure-devops', err, attempted);
    }
  }

  async whoAmI(): Promise<VcsIdentity> {
    try {
      await this.pin();
      const data = await this.connection.connect();
      const user = data.authenticatedUser;
      if (!user?.id || user.descriptor?.identityType === 'Microsoft.TeamFoundation.UnauthenticatedIdentity') {
        throw Object.assign(new Error('anonymous'), { statusCode: 401 });
      }
      const account = (user.properties as Record<string, { $value?: string }> | undefined)?.Account?.$value;
      return { login: account ?? user.providerDisplayName ?? user.id, name: user.providerDisplayName ?? null };
    } catch (err) {
      throw toVcsError('azure-devops', err, 'identify the token owner');
    }
  }

  listRepositories(options: { limit?: number } = {}): Promise<VcsRepository[]> {
    return this.call('list repositories', async (git) => {
      const repos = found(await git.getRepositories());
      return repos.slice(0, options.limit ?? 1000).map((r) => ({
        fullName: `${r.project?.name}/${r.name}`,
        webUrl: r.webUrl ?? this.repositoryUrl(`${r.project?.name}/${r.name}`),
        defaultBranch: r.defaultBranch?.replace(/^refs\/heads\//, '') ?? null,
        private: r.project?.visibility === undefined ? null : r.project.visibility !== 2,
      }));
    });
  }

  listTags(repository: string): Promise<VcsTag[]> {
    const { project, repo } = parseAzureRepository(repository);
    return this.call(`list the tags of ${repository}`, async (git) => {
      const refs = await this.listRefs(git, project, repo, 'tags/');
      return refs.map((r) => ({ name: r.name!.replace(/^refs\/tags\//, ''), commitSha: r.peeledObjectId ?? r.objectId! }));
    });
  }

  resolveTag(repository: string, tag: string): Promise<string | null> {
    const { project, repo } = parseAzureRepository(repository);
    return this.call(`resolve tag ${tag} of ${repository}`, async (git) => {
      // The filter is a prefix match: pick the exact ref.
      const refs = await this.listRefs(git, project, repo, `tags/${tag}`);
      const ref = refs.find((r) => r.name === `refs/tags/${tag}`);
      return ref ? (ref.peeledObjectId ?? ref.objectId ?? null) : null;
    });
  }

  /**
   * Refs - List, every page: the service answers at most `$top` refs and names the next page in the
   * `x-ms-continuationtoken` header. GitApi.getRefs neither sends nor reads that token, so the documented
   * call goes through the same client with the token added.
   */
  private async listRefs(git: IGitApi, project: string, repositoryId: string, filter: string): Promise<GitRef[]> {
    const refs: GitRef[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_REF_PAGES; page++) {
      const query = { filter, peelTags: true, $top: REFS_PAGE, continuationToken };
      const route = await git.vsoClient.getVersioningData('7.1', 'git', REFS_LOCATION, { project, repositoryId }, query);
      const res = await git.rest.get<{ value?: GitRef[] }>(route.requestUrl!, git.createRequestOptions('application/json', route.apiVersion));
      refs.push(...found(res.result).value ?? []);
      const next = (res.headers as Record<string, string | undefined>)['x-ms-continuationtoken'];
      if (!next || next === continuationToken) return refs;
      continuationToken = next;
    }
    throw Object.assign(new Error(`more than ${MAX_REF_PAGES * REFS_PAGE} refs match ${filter}`), { statusCode: 422 });
  }

  downloadArchive(repository: string, commitSha: string, signal?: AbortSignal): Promise<VcsArchive> {
    const { project, repo } = parseAzureRepository(repository);
    return this.call(`download ${repository} at ${commitSha}`, async (git) => {
      const res = (await git.getItemZip(repo, '/', project, undefined, VersionControlRecursionType.Full, false, false, true, {
        version: commitSha,
        versionType: GitVersionType.Commit,
      })) as IncomingMessage;
      // getItemZip hands back the raw response whatever its status.
      if (res.statusCode !== 200) {
        res.resume();
        throw Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode });
      }
      signal?.addEventListener('abort', () => res.destroy(signal.reason as Error), { once: true });
      // The items zip of the root holds the files at the top level, without a wrapper directory.
      return { stream: res as Readable, format: 'zip' as const, wrapped: false };
    });
  }

  installWebhook(repository: string, hook: WebhookRegistration): Promise<{ id: string }> {
    const { project, repo } = parseAzureRepository(repository);
    return this.call(`install a service hook on ${repository}`, async (git) => {
      const target = found(await git.getRepository(repo, project));
      if (!target.id || !target.project?.id) throw Object.assign(new Error('no such repository'), { statusCode: 404 });
      // Service hooks have no wrapper in azure-devops-node-api: the documented REST call, through its client.
      const res = await this.connection.rest.create<{ id: string }>(`${this.options.baseUrl}/_apis/hooks/subscriptions?api-version=7.1`, {
        publisherId: 'tfs',
        eventType: 'git.push',
        resourceVersion: '1.0',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs: { projectId: target.project.id, repository: target.id, branch: '' },
        consumerInputs: { url: hook.url, basicAuthUsername: AZURE_HOOK_USER, basicAuthPassword: hook.secret },
      });
      if (!res.result?.id) throw Object.assign(new Error('no subscription id returned'), { statusCode: res.statusCode });
      return { id: res.result.id };
    });
  }

  repositoryUrl(repository: string): string {
    const { project, repo } = parseAzureRepository(repository);
    return `${this.options.baseUrl}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repo)}`;
  }
}
