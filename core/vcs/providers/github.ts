import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { App, Octokit } from 'octokit';
import { Invalid } from '../../errors';
import type { VcsCredentials } from '../credentials';
import { toVcsError } from '../errors';
import { parseGitHubRepository } from '../repository-name';
import { guardedFetch } from '../guarded-fetch';
import type { NetworkPolicy } from '../network-policy';
import { GITHUB_API, type VcsArchive, type VcsClient, type VcsIdentity, type VcsRepository, type VcsTag, type WebhookRegistration } from '../types';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const MAX_TAG_DEPTH = 5;

/**
 * GitHub and GitHub Enterprise Server (base URL `https://host/api/v3`) through octokit, authenticated with a
 * token or as a GitHub App installation (octokit's App auth mints and renews the installation tokens).
 */
export class GitHubClient implements VcsClient {
  readonly kind = 'github' as const;
  private readonly app: App | null;
  private readonly installationId: number | null;
  private readonly octokit: Promise<Octokit>;

  constructor(private readonly options: { baseUrl: string; credentials: VcsCredentials; policy: NetworkPolicy }) {
    const Client = Octokit.defaults({
      baseUrl: options.baseUrl,
      request: { fetch: guardedFetch(options.policy) },
      log: silent,
      // Temporal retries the activity; the client must fail fast instead of sleeping inside it.
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    if ('token' in options.credentials) {
      this.app = null;
      this.installationId = null;
      this.octokit = Promise.resolve(new Client({ auth: options.credentials.token }));
    } else {
      const { appId, privateKey, installationId } = options.credentials.app;
      this.app = new App({ appId, privateKey, Octokit: Client, log: silent });
      this.installationId = installationId;
      this.octokit = this.app.getInstallationOctokit(installationId) as Promise<Octokit>;
      // Failures surface (mapped) from the first call that awaits it, not as an unhandled rejection.
      this.octokit.catch(() => undefined);
    }
  }

  async whoAmI(): Promise<VcsIdentity> {
    try {
      if (this.app) {
        // The app's own identity (JWT), then one call with an installation token proves the installation.
        const { data } = await this.app.octokit.request('GET /app');
        const octokit = await this.octokit;
        await octokit.request('GET /installation/repositories', { per_page: 1 });
        return { login: data?.slug ?? String(data?.id), name: data?.name ?? null };
      }
      const { data } = await (await this.octokit).rest.users.getAuthenticated();
      return { login: data.login, name: data.name ?? null };
    } catch (err) {
      throw toVcsError('github', err, this.app ? `authenticate as GitHub App installation ${this.installationId}` : 'identify the token owner');
    }
  }

  async listRepositories(options: { limit?: number } = {}): Promise<VcsRepository[]> {
    const limit = options.limit ?? 1000;
    const out: VcsRepository[] = [];
    try {
      const octokit = await this.octokit;
      // An installation sees the repositories it was granted, not those of a user.
      const pages = this.app
        ? octokit.paginate.iterator(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 })
        : octokit.paginate.iterator(octokit.rest.repos.listForAuthenticatedUser, { per_page: 100, sort: 'full_name' });
      for await (const page of pages) {
        for (const r of page.data as { full_name: string; html_url: string; default_branch?: string; private: boolean }[]) {
          out.push({ fullName: r.full_name, webUrl: r.html_url, defaultBranch: r.default_branch ?? null, private: r.private });
          if (out.length >= limit) return out;
        }
      }
      return out;
    } catch (err) {
      throw toVcsError('github', err, 'list repositories');
    }
  }

  async listTags(repository: string): Promise<VcsTag[]> {
    const { owner, repo } = parseGitHubRepository(repository);
    try {
      const octokit = await this.octokit;
      const tags = await octokit.paginate(octokit.rest.repos.listTags, { owner, repo, per_page: 100 });
      return tags.map((t) => ({ name: t.name, commitSha: t.commit.sha }));
    } catch (err) {
      throw toVcsError('github', err, `list the tags of ${repository}`);
    }
  }

  async resolveTag(repository: string, tag: string): Promise<string | null> {
    const { owner, repo } = parseGitHubRepository(repository);
    try {
      let object: { type: string; sha: string } = (await (await this.octokit).rest.git.getRef({ owner, repo, ref: `tags/${tag}` })).data.object;
      for (let depth = 0; object.type === 'tag'; depth++) {
        if (depth >= MAX_TAG_DEPTH) throw new Invalid(`tag ${tag} nests more than ${MAX_TAG_DEPTH} annotated tags`, 'vcs_tag_unresolvable');
        object = (await (await this.octokit).rest.git.getTag({ owner, repo, tag_sha: object.sha })).data.object;
      }
      if (object.type !== 'commit') throw new Invalid(`tag ${tag} points to a ${object.type}, not a commit`, 'vcs_tag_unresolvable');
      return object.sha;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw toVcsError('github', err, `resolve tag ${tag} of ${repository}`);
    }
  }

  async downloadArchive(repository: string, commitSha: string, signal?: AbortSignal): Promise<VcsArchive> {
    const { owner, repo } = parseGitHubRepository(repository);
    try {
      const res = await (await this.octokit).request('GET /repos/{owner}/{repo}/tarball/{ref}', {
        owner,
        repo,
        ref: commitSha,
        request: { parseSuccessResponseBody: false, signal },
      });
      return { stream: Readable.fromWeb(res.data as unknown as WebReadableStream), format: 'tar.gz', wrapped: true };
    } catch (err) {
      throw toVcsError('github', err, `download ${repository} at ${commitSha}`);
    }
  }

  async installWebhook(repository: string, hook: WebhookRegistration): Promise<{ id: string }> {
    const { owner, repo } = parseGitHubRepository(repository);
    try {
      const { data } = await (await this.octokit).rest.repos.createWebhook({
        owner,
        repo,
        name: 'web',
        active: true,
        // Tag creation, moves (forced pushes) and deletions all arrive as `push` with a refs/tags/ ref.
        events: ['push'],
        config: { url: hook.url, content_type: 'json', secret: hook.secret, insecure_ssl: '0' },
      });
      return { id: String(data.id) };
    } catch (err) {
      throw toVcsError('github', err, `install a webhook on ${repository}`);
    }
  }

  repositoryUrl(repository: string): string {
    const { owner, repo } = parseGitHubRepository(repository);
    const base = this.options.baseUrl === GITHUB_API ? 'https://github.com' : this.options.baseUrl.replace(/\/api\/v3$/, '');
    return `${base}/${owner}/${repo}`;
  }
}
