import { createHmac, generateKeyPairSync, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { wrappedTarGz } from './archives';
import { GitModel, type Repository } from './git-model';
import { deliver, StandInServer, type Delivery, type Handler, type Reply } from './http';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** GitHub's example `push` payload for a created tag (from @octokit/webhooks-examples), as a template. */
function pushTemplate(): Record<string, unknown> {
  const push = examples.find((e) => e.name === 'push')!.examples.find((e) => String(e.ref).startsWith('refs/tags/') && e.created === true);
  return structuredClone(push!);
}

const ZERO = '0'.repeat(40);
const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

export interface GitHubApp {
  id: string;
  slug: string;
  publicKey: KeyObject;
  installations: Set<number>;
}

/** Checks a GitHub App JWT as GitHub documents it: RS256, `iss` = the app id, `iat`/`exp` around now (≤ 10 min). */
function verifyAppJwt(jwt: string, apps: Map<string, GitHubApp>): GitHubApp | null {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return null;
  try {
    if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'RS256') return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: unknown; iat?: number; exp?: number };
    const app = apps.get(String(claims.iss));
    const now = Math.floor(Date.now() / 1000);
    if (!app || typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
    if (claims.iat > now + 60 || claims.exp <= now || claims.exp - claims.iat > 660) return null;
    const signed = verify('sha256', Buffer.from(`${header}.${payload}`), app.publicKey, Buffer.from(signature, 'base64url'));
    return signed ? app : null;
  } catch {
    return null;
  }
}

export interface GitHubHook {
  id: number;
  repository: string;
  url: string;
  secret: string;
  events: string[];
}

/**
 * A GitHub REST API stand-in for the calls octokit makes for Strata: GET /user, /user/repos, /repos/{o}/{r}/tags,
 * /git/ref/tags/{tag}, /git/tags/{sha}, /tarball/{ref} (302 to a codeload-style URL serving `owner-repo-sha7/`),
 * POST /repos/{o}/{r}/hooks; GitHub App auth (GET /app, POST /app/installations/{id}/access_tokens with an RS256
 * JWT, GET /installation/repositories); and webhook deliveries signed with X-Hub-Signature-256.
 */
export class GitHubStandIn {
  readonly git = new GitModel();
  readonly hooks: GitHubHook[] = [];
  readonly deliveries: Delivery[] = [];
  readonly server: StandInServer;
  /** Tokens the stand-in accepts, and the login each belongs to. */
  readonly tokens = new Map<string, string>([['ghp_validtoken', 'octocat']]);
  /** GitHub Apps by id; see {@link registerApp}. */
  readonly apps = new Map<string, GitHubApp>();
  /** Installation tokens minted by POST /app/installations/{id}/access_tokens. */
  readonly installationTokens = new Map<string, number>();
  /** Set false to have hook creation refused (a token without admin:repo_hook). */
  allowHooks = true;

  constructor(private readonly ca?: Buffer) {
    this.server = new StandInServer((req) => this.route(req));
  }

  get url(): string {
    return this.server.url;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route: Handler = async (req): Promise<Reply | null> => {
    if (req.path.startsWith('/_codeload/')) return this.codeload(req.path);
    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (req.path === '/app' || req.path.startsWith('/app/')) return this.appRoute(req.method, req.path, auth);
    const installation = auth ? this.installationTokens.get(auth) : undefined;
    if (installation !== undefined) {
      if (req.method === 'GET' && req.path === '/installation/repositories') {
        const repositories = [...this.git.repositories.values()].map((r) => this.repoJson(r));
        return { status: 200, body: { total_count: repositories.length, repository_selection: 'all', repositories } };
      }
      if (req.path === '/user') return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } };
    }
    const login = installation !== undefined ? `installation-${installation}[bot]` : auth ? this.tokens.get(auth) : undefined;
    if (!login) return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };
    if (req.method === 'GET' && req.path === '/user') return { status: 200, body: { login, id: 1, type: 'User', name: 'The Octocat' } };
    if (req.method === 'GET' && req.path === '/user/repos') {
      return { status: 200, body: [...this.git.repositories.values()].map((r) => this.repoJson(r)) };
    }
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(.+)$/.exec(req.path);
    const repo = m ? this.git.find(`${m[1]}/${m[2]}`) : undefined;
    if (!m || !repo) return notFound;
    const rest = m[3]!;
    if (req.method === 'GET' && rest === 'tags') {
      return {
        status: 200,
        body: [...repo.tags].map(([name, t]) => ({
          name,
          commit: { sha: t.commit, url: `${this.url}/repos/${repo.fullName}/commits/${t.commit}` },
          zipball_url: `${this.url}/repos/${repo.fullName}/zipball/refs/tags/${name}`,
          tarball_url: `${this.url}/repos/${repo.fullName}/tarball/refs/tags/${name}`,
          node_id: 'MDM6UmVm',
        })),
      };
    }
    const ref = /^git\/ref\/(.+)$/.exec(rest);
    if (req.method === 'GET' && ref) {
      const name = decodeURIComponent(ref[1]!);
      const tag = name.startsWith('tags/') ? repo.tags.get(name.slice(5)) : undefined;
      if (!tag) return notFound;
      const object = tag.tagObject ? { type: 'tag', sha: tag.tagObject } : { type: 'commit', sha: tag.commit };
      return { status: 200, body: { ref: `refs/${name}`, node_id: 'MDM6UmVm', url: `${this.url}/repos/${repo.fullName}/git/refs/${name}`, object: { ...object, url: '' } } };
    }
    const tagObject = /^git\/tags\/([0-9a-f]{40})$/.exec(rest);
    if (req.method === 'GET' && tagObject) {
      const found = [...repo.tags].find(([, t]) => t.tagObject === tagObject[1]);
      if (!found) return notFound;
      return { status: 200, body: { sha: tagObject[1], tag: found[0], message: `release ${found[0]}\n`, object: { type: 'commit', sha: found[1].commit, url: '' } } };
    }
    const tarball = /^tarball\/(.+)$/.exec(rest);
    if (req.method === 'GET' && tarball) {
      const commit = this.git.resolve(repo, decodeURIComponent(tarball[1]!).replace(/^refs\/tags\//, ''));
      if (!commit) return notFound;
      // As GitHub does: a redirect to the codeload host that serves the bytes.
      return { status: 302, headers: { location: `${this.url}/_codeload/${repo.fullName}/legacy.tar.gz/${decodeURIComponent(tarball[1]!)}` } };
    }
    if (req.method === 'POST' && rest === 'hooks') {
      if (!this.allowHooks) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/webhooks' } };
      const input = JSON.parse(req.body.toString('utf8')) as { events: string[]; config: { url: string; secret: string } };
      const hook = { id: 400000 + this.hooks.length, repository: repo.fullName, url: input.config.url, secret: input.config.secret, events: input.events };
      this.hooks.push(hook);
      return { status: 201, body: { type: 'Repository', id: hook.id, name: 'web', active: true, events: hook.events, config: { url: hook.url, content_type: 'json', insecure_ssl: '0' } } };
    }
    return notFound;
  };

  /**
   * Registers a GitHub App installed with the given installation ids; returns its private key (PEM), which
   * the stand-in never keeps — it verifies JWTs with the public half, as GitHub does.
   */
  registerApp(id: string, installations: number[], slug = `strata-app-${id}`): string {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.apps.set(id, { id, slug, publicKey, installations: new Set(installations) });
    return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  }

  /** GET /app and POST /app/installations/{id}/access_tokens, authenticated with the app's JWT. */
  private appRoute(method: string, path: string, jwt: string | undefined): Reply {
    const app = jwt ? verifyAppJwt(jwt, this.apps) : null;
    if (!app) return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: 'https://docs.github.com/rest' } };
    if (method === 'GET' && path === '/app') {
      return { status: 200, body: { id: Number(app.id), slug: app.slug, name: `Strata app ${app.id}`, owner: { login: 'acme' }, permissions: { contents: 'read', metadata: 'read' } } };
    }
    const m = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (method === 'POST' && m) {
      const installation = Number(m[1]);
      if (!app.installations.has(installation)) return notFound;
      const token = `ghs_${randomBytes(18).toString('hex')}`;
      this.installationTokens.set(token, installation);
      return { status: 201, body: { token, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: { contents: 'read', metadata: 'read' }, repository_selection: 'all' } };
    }
    return notFound;
  }

  private async codeload(path: string): Promise<Reply> {
    const m = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(path);
    const repo = m ? this.git.find(`${m[1]}/${m[2]}`) : undefined;
    const commit = repo ? this.git.resolve(repo, decodeURIComponent(m![3]!).replace(/^refs\/tags\//, '')) : null;
    if (!repo || !commit) return notFound;
    const [owner, name] = repo.fullName.split('/');
    const body = await wrappedTarGz(repo.commits.get(commit)!, `${owner}-${name}-${commit.slice(0, 7)}`, commit);
    return { status: 200, headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${owner}-${name}-${commit.slice(0, 7)}.tar.gz` }, body };
  }

  private repoJson(r: Repository) {
    const [owner, name] = r.fullName.split('/');
    return { id: r.id, name, full_name: r.fullName, private: true, owner: { login: owner }, html_url: `${this.url}/${r.fullName}`, default_branch: r.defaultBranch };
  }

  /** Pushes (creates or force-moves) a tag and delivers the `push` webhook to the repository's hooks. */
  async pushTag(fullName: string, tag: string, commit: string): Promise<Delivery[]> {
    const before = this.git.setTag(fullName, tag, commit);
    return this.sendPush(fullName, { ref: `refs/tags/${tag}`, before: before ?? ZERO, after: commit, created: before === null, deleted: false, forced: before !== null });
  }

  async deleteTag(fullName: string, tag: string): Promise<Delivery[]> {
    const before = this.git.deleteTag(fullName, tag);
    return this.sendPush(fullName, { ref: `refs/tags/${tag}`, before: before ?? ZERO, after: ZERO, created: false, deleted: true, forced: false });
  }

  /** A branch push (not a tag): must be recorded and ignored. */
  async pushBranch(fullName: string, branch: string, commit: string): Promise<Delivery[]> {
    return this.sendPush(fullName, { ref: `refs/heads/${branch}`, before: ZERO, after: commit, created: false, deleted: false, forced: false });
  }

  private async sendPush(fullName: string, change: Record<string, unknown>): Promise<Delivery[]> {
    const repo = this.git.repository(fullName);
    const payload = pushTemplate();
    const [owner, name] = repo.fullName.split('/');
    Object.assign(payload, change, { base_ref: null, compare: `${this.url}/${repo.fullName}/compare/${String(change.before).slice(0, 12)}...${String(change.after).slice(0, 12)}` });
    Object.assign(payload.repository as object, {
      id: repo.id,
      name,
      full_name: repo.fullName,
      html_url: `${this.url}/${repo.fullName}`,
      url: `${this.url}/repos/${repo.fullName}`,
      pushed_at: Math.floor(Date.now() / 1000) + this.deliveries.length,
    });
    Object.assign((payload.repository as { owner: object }).owner, { login: owner, name: owner });
    return this.sendEvent(repo.fullName, 'push', payload);
  }

  /** Sends any event to the repository's hooks, signed as GitHub signs it. */
  async sendEvent(fullName: string, event: string, payload: unknown): Promise<Delivery[]> {
    const body = JSON.stringify(payload);
    const sent: Delivery[] = [];
    for (const hook of this.hooks.filter((h) => h.repository.toLowerCase() === fullName.toLowerCase())) {
      sent.push(await this.send(hook, event, body, randomUUID()));
    }
    return sent;
  }

  /** GitHub's "Redeliver": the same delivery id, headers and body again. */
  async redeliver(delivery: Delivery): Promise<Delivery> {
    const again = await deliver({ ...delivery, status: undefined, response: undefined }, this.ca);
    this.deliveries.push(again);
    return again;
  }

  private async send(hook: GitHubHook, event: string, body: string, id: string): Promise<Delivery> {
    const sent = await deliver(
      {
        id,
        url: hook.url,
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/044aadd',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-github-hook-id': String(hook.id),
          'x-github-hook-installation-target-type': 'repository',
          'x-hub-signature': `sha1=${createHmac('sha1', hook.secret).update(body).digest('hex')}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`,
        },
      },
      this.ca,
    );
    this.deliveries.push(sent);
    return sent;
  }
}
