import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Gitlab } from '@gitbeaker/rest';
import { statusOf, toVcsError } from '../errors';
import { checkBaseUrl, type NetworkPolicy } from '../network-policy';
import { parseGitLabProject } from '../repository-name';
import { guardedGitLabRequester } from './gitlab-requester';
import type { VcsArchive, VcsClient, VcsIdentity, VcsRepository, VcsTag, WebhookRegistration } from '../types';


/** gitlab.com or a self-managed GitLab through @gitbeaker/rest, with a personal/project/group access token. */
export class GitLabClient implements VcsClient {
  readonly kind = 'gitlab' as const;
  private readonly api: InstanceType<typeof Gitlab>;

  constructor(private readonly options: { baseUrl: string; token: string; policy: NetworkPolicy }) {
    this.api = new Gitlab({ host: options.baseUrl, token: options.token, queryTimeout: 60_000, requesterFn: guardedGitLabRequester(options.policy) });
  }

  /** Checks the base URL up front so a refused connection fails with the policy's message before any request. */
  private async call<T>(attempted: string, fn: () => Promise<T>): Promise<T> {
    try {
      await checkBaseUrl(this.options.baseUrl, this.options.policy);
      return await fn();
    } catch (err) {
      throw toVcsError('gitlab', err, attempted);
    }
  }

  whoAmI(): Promise<VcsIdentity> {
    return this.call('identify the token owner', async () => {
      const user = await this.api.Users.showCurrentUser();
      return { login: user.username, name: user.name ?? null };
    });
  }

  listRepositories(options: { limit?: number } = {}): Promise<VcsRepository[]> {
    const limit = options.limit ?? 1000;
    return this.call('list projects', async () => {
      const projects = await this.api.Projects.all({ membership: true, orderBy: 'path', sort: 'asc', perPage: 100, maxPages: Math.ceil(limit / 100) });
      return projects.slice(0, limit).map((p) => ({
        fullName: String(p.path_with_namespace),
        webUrl: String(p.web_url),
        defaultBranch: (p.default_branch as string | undefined) ?? null,
        private: typeof p.visibility === 'string' ? p.visibility !== 'public' : null,
      }));
    });
  }

  listTags(repository: string): Promise<VcsTag[]> {
    const project = parseGitLabProject(repository);
    return this.call(`list the tags of ${repository}`, async () => {
      const tags = await this.api.Tags.all(project, { perPage: 100 });
      return tags.map((t) => ({ name: t.name, commitSha: t.commit.id }));
    });
  }

  resolveTag(repository: string, tag: string): Promise<string | null> {
    const project = parseGitLabProject(repository);
    return this.call(`resolve tag ${tag} of ${repository}`, async () => {
      try {
        return (await this.api.Tags.show(project, tag)).commit.id;
      } catch (err) {
        if (statusOf(err) === 404) return null;
        throw err;
      }
    });
  }

  downloadArchive(repository: string, commitSha: string, signal?: AbortSignal): Promise<VcsArchive> {
    const project = parseGitLabProject(repository);
    return this.call(`download ${repository} at ${commitSha}`, async () => {
      const body = await this.api.Repositories.showArchive(project, { fileType: 'tar.gz', sha: commitSha, asStream: true });
      const stream = Readable.fromWeb(body as unknown as WebReadableStream);
      signal?.addEventListener('abort', () => stream.destroy(signal.reason as Error), { once: true });
      return { stream, format: 'tar.gz' as const, wrapped: true };
    });
  }

  installWebhook(repository: string, hook: WebhookRegistration): Promise<{ id: string }> {
    const project = parseGitLabProject(repository);
    return this.call(`install a webhook on ${repository}`, async () => {
      const created = await this.api.ProjectHooks.add(project, hook.url, {
        token: hook.secret,
        tagPushEvents: true,
        pushEvents: false,
        enableSslVerification: true,
      });
      return { id: String(created.id) };
    });
  }

  repositoryUrl(repository: string): string {
    return `${this.options.baseUrl}/${parseGitLabProject(repository)}`;
  }
}
