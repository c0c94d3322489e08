import { randomUUID } from 'node:crypto';
import { flatZip } from './archives';
import { GitModel, type Repository } from './git-model';
import { deliver, StandInServer, type Delivery, type Handler, type Reply } from './http';

const ZERO = '0'.repeat(40);
const GIT_AREA = '4e080c62-fa21-4fbc-8fef-2a10a2b38049';
const LOCATIONS = {
  resourceAreas: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  repositories: '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
  refs: '2d874a60-a811-4f62-9c9f-963a6ea0a55b',
  items: 'fb93c0db-47ed-4a31-8c20-47552878fb44',
};
const location = (id: string, area: string, resourceName: string, routeTemplate: string) => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion: 2,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
});

export interface AzureSubscription {
  id: string;
  repositoryId: string;
  url: string;
  username: string;
  password: string;
}

/**
 * An Azure DevOps Services stand-in under `/<org>` for the calls azure-devops-node-api makes for Strata: the
 * location service (OPTIONS /_apis/<area>, GET /_apis/ResourceAreas) that the client negotiates routes with,
 * /_apis/connectionData, git repositories, refs (peeled tags) and items (zip at a commit), POST
 * /_apis/hooks/subscriptions; and `git.push` service hook deliveries with basic auth.
 */
export class AzureDevOpsStandIn {
  readonly git = new GitModel();
  readonly subscriptions: AzureSubscription[] = [];
  readonly deliveries: Delivery[] = [];
  readonly server: StandInServer;
  readonly tokens = new Map<string, string>([['azdo-validpat', 'bob@example.com']]);
  readonly projectIds = new Map<string, string>();
  /** The most refs one Refs - List page holds (the service caps `$top`); more pages follow a continuation token. */
  refsPageSize = 1000;

  constructor(
    readonly org: string,
    private readonly ca?: Buffer,
  ) {
    this.server = new StandInServer((req) => this.route(req));
  }

  /** The organisation URL a connection uses as its base URL. */
  get url(): string {
    return `${this.server.url}/${this.org}`;
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private projectId(project: string): string {
    let id = this.projectIds.get(project.toLowerCase());
    if (!id) this.projectIds.set(project.toLowerCase(), (id = randomUUID()));
    return id;
  }

  private repoId(r: Repository): string {
    return `00000000-0000-4000-8000-${String(r.id).padStart(12, '0')}`;
  }

  private findRepo(project: string, repo: string): Repository | undefined {
    return [...this.git.repositories.values()].find(
      (r) => r.fullName.toLowerCase() === `${project}/${repo}`.toLowerCase() || (this.repoId(r) === repo && r.fullName.split('/')[0]!.toLowerCase() === project.toLowerCase()),
    );
  }

  private repoJson(r: Repository) {
    const [project, name] = r.fullName.split('/') as [string, string];
    const projectRef = { id: this.projectId(project), name: project, url: `${this.url}/_apis/projects/${this.projectId(project)}`, state: 'wellFormed', visibility: 'private' };
    return {
      id: this.repoId(r),
      name,
      url: `${this.url}/${project}/_apis/git/repositories/${this.repoId(r)}`,
      project: projectRef,
      defaultBranch: `refs/heads/${r.defaultBranch}`,
      size: 1024,
      remoteUrl: `${this.url}/${project}/_git/${name}`,
      webUrl: `${this.url}/${project}/_git/${name}`,
      isDisabled: false,
    };
  }

  private route: Handler = async (req): Promise<Reply | null> => {
    const base = `/${this.org}`;
    if (!req.path.startsWith(`${base}/`)) return { status: 404, body: { message: 'no such organisation' } };
    const path = req.path.slice(base.length);
    // Location service: public, answered before authentication like the real one.
    if (req.method === 'OPTIONS' && path.toLowerCase() === '/_apis/location') {
      return { status: 200, body: { count: 1, value: [location(LOCATIONS.resourceAreas, 'Location', 'ResourceAreas', '_apis/{resource}/{areaId}')] } };
    }
    if (req.method === 'OPTIONS' && path.toLowerCase() === '/_apis/git') {
      const value = [
        location(LOCATIONS.repositories, 'git', 'repositories', '{project}/_apis/{area}/{resource}/{repositoryId}'),
        location(LOCATIONS.refs, 'git', 'refs', '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{*filter}'),
        location(LOCATIONS.items, 'git', 'items', '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{*path}'),
      ];
      return { status: 200, body: { count: value.length, value } };
    }
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const pat = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const user = pat ? this.tokens.get(pat) : undefined;
    if (!user) return { status: 401, headers: { 'www-authenticate': 'Basic realm="https://dev.azure.com/"' }, body: undefined };
    if (req.method === 'GET' && path.toLowerCase() === '/_apis/resourceareas') {
      return { status: 200, body: { count: 1, value: [{ id: GIT_AREA, name: 'git', locationUrl: `${this.url}/` }] } };
    }
    if (req.method === 'GET' && path === '/_apis/connectionData') {
      const identity = { id: randomUUID(), descriptor: 'Microsoft.IdentityModel.Claims.ClaimsIdentity;bob', providerDisplayName: 'Bob Builder', isActive: true, properties: { Account: { $type: 'System.String', $value: user } } };
      return { status: 200, body: { authenticatedUser: identity, authorizedUser: identity, instanceId: randomUUID(), deploymentType: 'hosted' } };
    }
    if (req.method === 'GET' && /^\/(?:[^/]+\/)?_apis\/git\/repositories$/.test(path)) {
      const repos = [...this.git.repositories.values()].map((r) => this.repoJson(r));
      return { status: 200, body: { count: repos.length, value: repos } };
    }
    if (req.method === 'POST' && path === '/_apis/hooks/subscriptions') return this.subscribe(JSON.parse(req.body.toString('utf8')));
    const m = /^\/([^/]+)\/_apis\/git\/repositories\/([^/]+)(?:\/(refs|items)(?:\/.*)?)?$/.exec(path);
    const repo = m ? this.findRepo(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)) : undefined;
    if (!m || !repo) {
      return { status: 404, body: { $id: '1', message: 'TF401019: The Git repository with name or identifier does not exist or you do not have permissions for the operation you are attempting.', typeKey: 'GitRepositoryNotFoundException', errorCode: 0, eventId: 3000 } };
    }
    if (req.method === 'GET' && !m[3]) return { status: 200, body: this.repoJson(repo) };
    if (req.method === 'GET' && m[3] === 'refs') return this.refs(repo, req.query);
    if (req.method === 'GET' && m[3] === 'items') return this.items(repo, req.query, String(req.headers.accept ?? ''));
    return null;
  };

  private refs(repo: Repository, query: URLSearchParams): Reply {
    const filter = `refs/${query.get('filter') ?? ''}`;
    const peel = query.get('peelTags') === 'true';
    const value = [...repo.tags]
      .map(([name, t]) => ({ name: `refs/tags/${name}`, t }))
      .filter((r) => r.name.startsWith(filter))
      .map(({ name, t }) => ({
        name,
        objectId: t.tagObject ?? t.commit,
        ...(t.tagObject && peel ? { peeledObjectId: t.commit } : {}),
        creator: { displayName: 'Bob Builder' },
        url: `${this.url}/_apis/git/repositories/${this.repoId(repo)}/refs?filter=${name.slice(5)}`,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // As documented: `$top` (at most the page size), the next page named by an opaque x-ms-continuationtoken.
    const top = Math.min(Number(query.get('$top') ?? this.refsPageSize) || this.refsPageSize, this.refsPageSize);
    const token = query.get('continuationToken');
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^after:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0) return { status: 400, body: { message: 'invalid continuation token' } };
    const page = value.slice(start, start + top);
    const more = start + top < value.length;
    return {
      status: 200,
      headers: more ? { 'x-ms-continuationtoken': Buffer.from(`after:${start + top}`).toString('base64url') } : {},
      body: { value: page, count: page.length },
    };
  }

  private async items(repo: Repository, query: URLSearchParams, accept: string): Promise<Reply> {
    const type = (query.get('versionDescriptor.versionType') ?? '').toLowerCase();
    const version = query.get('versionDescriptor.version') ?? '';
    if (!accept.includes('application/zip') || query.get('path') !== '/') return { status: 400, body: { message: 'this stand-in serves zips of the repository root only' } };
    // Strata must ask for the commit, never a tag or branch name.
    if (type !== 'commit' && type !== '2') return { status: 400, body: { message: `versionType ${type} refused: ask for a commit` } };
    const files = repo.commits.get(version);
    if (!files) return { status: 404, body: { message: `TF401175: The version descriptor <Commit: ${version}> could not be resolved to a version in the repository` } };
    return { status: 200, headers: { 'content-type': 'application/zip', 'content-disposition': `attachment; filename=${repo.fullName.split('/')[1]}.zip` }, body: await flatZip(files) };
  }

  private subscribe(input: { eventType: string; publisherInputs: { repository: string; projectId: string }; consumerInputs: { url: string; basicAuthUsername: string; basicAuthPassword: string } }): Reply {
    const sub = { id: randomUUID(), repositoryId: input.publisherInputs.repository, url: input.consumerInputs.url, username: input.consumerInputs.basicAuthUsername, password: input.consumerInputs.basicAuthPassword };
    this.subscriptions.push(sub);
    return {
      status: 200,
      body: {
        id: sub.id,
        status: 'enabled',
        publisherId: 'tfs',
        eventType: input.eventType,
        resourceVersion: '1.0',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs: input.publisherInputs,
        consumerInputs: { url: sub.url, basicAuthUsername: sub.username, basicAuthPassword: '********' },
      },
    };
  }

  /** Creates or moves a tag (annotated, as Azure DevOps creates them from the web UI) and sends `git.push`. */
  async pushTag(fullName: string, tag: string, commit: string): Promise<Delivery[]> {
    const before = this.git.setTag(fullName, tag, commit, { annotated: true });
    const tagObject = this.git.find(fullName)!.tags.get(tag)!.tagObject!;
    return this.sendPush(fullName, [{ name: `refs/tags/${tag}`, oldObjectId: before ?? ZERO, newObjectId: tagObject }]);
  }

  async deleteTag(fullName: string, tag: string): Promise<Delivery[]> {
    const old = this.git.find(fullName)!.tags.get(tag);
    this.git.deleteTag(fullName, tag);
    return this.sendPush(fullName, [{ name: `refs/tags/${tag}`, oldObjectId: old?.tagObject ?? old?.commit ?? ZERO, newObjectId: ZERO }]);
  }

  /** The documented `git.push` service hook event (resourceVersion 1.0). */
  private async sendPush(fullName: string, refUpdates: { name: string; oldObjectId: string; newObjectId: string }[]): Promise<Delivery[]> {
    const repo = this.git.find(fullName)!;
    const repository = this.repoJson(repo);
    const sent: Delivery[] = [];
    for (const sub of this.subscriptions.filter((s) => s.repositoryId === repository.id)) {
      const payload = {
        subscriptionId: sub.id,
        notificationId: this.deliveries.length + 1,
        id: randomUUID(),
        eventType: 'git.push',
        publisherId: 'tfs',
        message: { text: `Bob Builder pushed updates to ${repository.name}`, html: '', markdown: '' },
        detailedMessage: { text: `Bob Builder pushed updates to ${repository.name}`, html: '', markdown: '' },
        resource: {
          commits: [],
          refUpdates,
          repository: { id: repository.id, name: repository.name, url: repository.url, project: repository.project, defaultBranch: repository.defaultBranch, remoteUrl: repository.remoteUrl },
          pushedBy: { displayName: 'Bob Builder', uniqueName: 'bob@example.com', id: randomUUID() },
          pushId: 1000 + this.deliveries.length,
          date: new Date().toISOString(),
          url: `${repository.url}/pushes/${1000 + this.deliveries.length}`,
        },
        resourceVersion: '1.0',
        resourceContainers: { collection: { id: randomUUID() }, account: { id: randomUUID() }, project: { id: repository.project.id } },
        createdDate: new Date().toISOString(),
      };
      const delivery = await deliver(
        {
          url: sub.url,
          body: JSON.stringify(payload),
          headers: {
            'content-type': 'application/json; charset=utf-8',
            authorization: `Basic ${Buffer.from(`${sub.username}:${sub.password}`).toString('base64')}`,
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
