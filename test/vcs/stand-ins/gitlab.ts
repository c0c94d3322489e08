import { randomUUID } from 'node:crypto';
import { wrappedTarGz } from './archives';
import { GitModel, type Repository } from './git-model';
import { deliver, StandInServer, type Delivery, type Handler, type Reply } from './http';

const ZERO = '0'.repeat(40);

export interface GitLabHook {
  id: number;
  project: string;
  url: string;
  token: string;
  tagPushEvents: boolean;
}

/**
 * A GitLab REST API v4 stand-in for the calls @gitbeaker/rest makes for Strata: GET /user, /projects,
 * /projects/:id/repository/tags[/:tag], /projects/:id/repository/archive.tar.gz?sha= (wrapped in
 * `project-sha-sha/`), POST /projects/:id/hooks; and "Tag Push Hook" deliveries with X-Gitlab-Token.
 */
export class GitLabStandIn {
  readonly git = new GitModel();
  readonly hooks: GitLabHook[] = [];
  readonly deliveries: Delivery[] = [];
  readonly server: StandInServer;
  readonly tokens = new Map<string, string>([['glpat-validtoken', 'alice']]);

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

  private project(id: string): Repository | undefined {
    const decoded = decodeURIComponent(id);
    return /^\d+$/.test(decoded) ? this.git.byId(Number(decoded)) : this.git.find(decoded);
  }

  private route: Handler = async (req): Promise<Reply | null> => {
    const token = req.headers['private-token'];
    const user = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!user) return { status: 401, body: { message: '401 Unauthorized' } };
    if (req.method === 'GET' && req.path === '/api/v4/user') {
      return { status: 200, body: { id: 7, username: user, name: 'Alice Liddell', state: 'active', web_url: `${this.url}/${user}` } };
    }
    if (req.method === 'GET' && req.path === '/api/v4/projects') {
      const projects = [...this.git.repositories.values()].map((p) => this.projectJson(p));
      return { status: 200, headers: { 'x-total': String(projects.length), 'x-total-pages': '1', 'x-page': '1', 'x-per-page': '100' }, body: projects };
    }
    const m = /^\/api\/v4\/projects\/([^/]+)\/(.+)$/.exec(req.url.pathname);
    const project = m ? this.project(m[1]!) : undefined;
    if (!m || !project) return { status: 404, body: { message: '404 Project Not Found' } };
    const rest = m[2]!;
    if (req.method === 'GET' && rest === 'repository/tags') return { status: 200, body: [...project.tags.keys()].map((t) => this.tagJson(project, t)) };
    const tag = /^repository\/tags\/(.+)$/.exec(rest);
    if (req.method === 'GET' && tag) {
      const name = decodeURIComponent(tag[1]!);
      return project.tags.has(name) ? { status: 200, body: this.tagJson(project, name) } : { status: 404, body: { message: '404 Tag Not Found' } };
    }
    if (req.method === 'GET' && rest === 'repository/archive.tar.gz') {
      const sha = req.query.get('sha') ?? project.defaultBranch;
      const commit = this.git.resolve(project, sha);
      if (!commit) return { status: 404, body: { message: '404 File Not Found' } };
      const path = project.fullName.split('/').pop()!;
      const body = await wrappedTarGz(project.commits.get(commit)!, `${path}-${sha}-${commit}`, commit);
      return { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${path}-${sha}.tar.gz"` }, body };
    }
    if (req.method === 'POST' && rest === 'hooks') {
      const input = JSON.parse(req.body.toString('utf8')) as { url: string; token: string; tag_push_events?: boolean; push_events?: boolean };
      const hook = { id: 9000 + this.hooks.length, project: project.fullName, url: input.url, token: input.token, tagPushEvents: input.tag_push_events === true };
      this.hooks.push(hook);
      return {
        status: 201,
        body: { id: hook.id, url: hook.url, project_id: project.id, push_events: input.push_events ?? true, tag_push_events: hook.tagPushEvents, enable_ssl_verification: true, created_at: new Date().toISOString() },
      };
    }
    return { status: 404, body: { message: '404 Not Found' } };
  };

  private projectJson(p: Repository) {
    const path = p.fullName.split('/').pop()!;
    return {
      id: p.id,
      name: path,
      path,
      path_with_namespace: p.fullName,
      namespace: { full_path: p.fullName.split('/').slice(0, -1).join('/') },
      web_url: `${this.url}/${p.fullName}`,
      default_branch: p.defaultBranch,
      visibility: 'private',
    };
  }

  private tagJson(p: Repository, name: string) {
    const t = p.tags.get(name)!;
    return {
      name,
      message: t.tagObject ? `release ${name}` : '',
      target: t.tagObject ?? t.commit,
      commit: { id: t.commit, short_id: t.commit.slice(0, 8), title: 'release', message: 'release\n', parent_ids: [], created_at: new Date().toISOString() },
      release: null,
      protected: false,
    };
  }

  /** Creates or moves a tag and sends the "Tag Push Hook" to hooks with tag push events. */
  async pushTag(fullName: string, tag: string, commit: string): Promise<Delivery[]> {
    const before = this.git.setTag(fullName, tag, commit);
    return this.sendTagPush(fullName, tag, before ?? ZERO, commit);
  }

  async deleteTag(fullName: string, tag: string): Promise<Delivery[]> {
    const before = this.git.deleteTag(fullName, tag);
    return this.sendTagPush(fullName, tag, before ?? ZERO, ZERO);
  }

  /** The documented tag push payload (https://docs.gitlab.com/user/project/integrations/webhook_events/#tag-events). */
  private async sendTagPush(fullName: string, tag: string, before: string, after: string): Promise<Delivery[]> {
    const p = this.git.repository(fullName);
    const project = this.projectJson(p);
    const payload = {
      object_kind: 'tag_push',
      event_name: 'tag_push',
      before,
      after,
      ref: `refs/tags/${tag}`,
      ref_protected: false,
      checkout_sha: after === ZERO ? null : after,
      user_id: 7,
      user_name: 'Alice Liddell',
      user_username: 'alice',
      user_email: '',
      user_avatar: '',
      project_id: p.id,
      project: {
        id: p.id,
        name: project.name,
        description: '',
        web_url: project.web_url,
        avatar_url: null,
        git_ssh_url: `git@127.0.0.1:${p.fullName}.git`,
        git_http_url: `${project.web_url}.git`,
        namespace: project.namespace.full_path,
        visibility_level: 0,
        path_with_namespace: p.fullName,
        default_branch: p.defaultBranch,
        homepage: project.web_url,
        url: `git@127.0.0.1:${p.fullName}.git`,
        ssh_url: `git@127.0.0.1:${p.fullName}.git`,
        http_url: `${project.web_url}.git`,
      },
      commits: [],
      total_commits_count: 0,
      push_options: {},
      repository: { name: project.name, url: `git@127.0.0.1:${p.fullName}.git`, description: '', homepage: project.web_url, git_http_url: `${project.web_url}.git`, git_ssh_url: `git@127.0.0.1:${p.fullName}.git`, visibility_level: 0 },
    };
    const body = JSON.stringify(payload);
    const eventId = randomUUID();
    const sent: Delivery[] = [];
    for (const hook of this.hooks.filter((h) => h.tagPushEvents && h.project.toLowerCase() === fullName.toLowerCase())) {
      const delivery = await deliver(
        {
          url: hook.url,
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitLab/17.5.0',
            'x-gitlab-event': 'Tag Push Hook',
            'x-gitlab-token': hook.token,
            'x-gitlab-event-uuid': eventId,
            'x-gitlab-webhook-uuid': randomUUID(),
            'x-gitlab-instance': this.url,
          },
        },
        this.ca,
      );
      this.deliveries.push(delivery);
      sent.push(delivery);
    }
    return sent;
  }
}
