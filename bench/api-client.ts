/** The few management API calls the benchmarks need, over real HTTP with the bootstrap token (platform admin). */
export class BenchApi {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Uploads a module archive and waits for the publish workflow (`?wait=true`). */
  async publishModule(address: ModuleAddress, version: string, archive: Buffer): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/modules/${address.namespace}/${address.name}/${address.system}/${version}?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/gzip' },
      body: new Uint8Array(archive),
    });
    await expectStatus(res, 201, `publish module ${address.namespace}/${address.name}/${address.system} ${version}`);
  }

  async addGpgKey(namespace: string, asciiArmor: string): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/namespaces/${namespace}/gpg-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ asciiArmor }),
    });
    await expectStatus(res, 201, `add the GPG key of ${namespace}`);
  }

  /** Uploads goreleaser release files as multipart/form-data and waits for the publish workflow. */
  async publishProvider(namespace: string, type: string, version: string, files: { name: string; bytes: Buffer }[]): Promise<void> {
    const form = new FormData();
    for (const file of files) form.append('files', new Blob([new Uint8Array(file.bytes)]), file.name);
    const res = await fetch(`${this.url}/api/v1/providers/${namespace}/${type}/${version}?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}` },
      body: form,
    });
    await expectStatus(res, 201, `publish provider ${namespace}/${type} ${version}`);
  }

  async createUser(user: { email: string; name: string; password: string }): Promise<void> {
    await expectStatus(await this.postJson('/api/v1/users', user), 201, `create user ${user.email}`);
  }

  /** An organisation made with the bootstrap token: owned by no user, managed by the platform admin. */
  async createOrg(name: string): Promise<void> {
    await expectStatus(await this.postJson('/api/v1/orgs', { name }), 201, `create organisation ${name}`);
  }

  async createNamespace(org: string, name: string, visibility: 'private' | 'public'): Promise<void> {
    await expectStatus(await this.postJson(`/api/v1/orgs/${org}/namespaces`, { name, visibility }), 201, `create namespace ${name}`);
  }

  async addMember(org: string, email: string, role: 'reader' | 'publisher' | 'admin' | 'owner'): Promise<void> {
    await expectStatus(await this.postJson(`/api/v1/orgs/${org}/members`, { email, role }), 201, `add ${email} to ${org}`);
  }

  /** Signs in as the user (as the dashboard does) and mints a personal API token through that session. */
  async personalToken(email: string, password: string, scopes?: ('read' | 'publish' | 'admin')[]): Promise<string> {
    const login = await fetch(`${this.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    await expectStatus(login, 200, `sign in as ${email}`, false);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('strata_session='));
    if (!cookie) throw new Error(`sign in as ${email}: no session cookie`);
    const res = await fetch(`${this.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'bench', ...(scopes ? { scopes } : {}) }),
    });
    await expectStatus(res, 201, `create a token for ${email}`, false);
    return ((await res.json()) as { token: string }).token;
  }

  /** The status a protocol read answers with this bearer token (null: anonymous). */
  async readStatus(path: string, token: string | null): Promise<number> {
    const res = await fetch(`${this.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    await res.arrayBuffer();
    return res.status;
  }

  /** The module versions a client sees (`GET /v1/modules/…/versions`), or null when it answers 404. */
  async moduleVersions(address: ModuleAddress): Promise<string[] | null> {
    const res = await fetch(`${this.url}/v1/modules/${address.namespace}/${address.name}/${address.system}/versions`);
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    await expectStatus(res, 200, 'list module versions', false);
    const body = (await res.json()) as { modules: { versions: { version: string }[] }[] };
    return body.modules[0]!.versions.map((v) => v.version);
  }

  private postJson(path: string, body: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
}

export interface ModuleAddress {
  namespace: string;
  name: string;
  system: string;
}

async function expectStatus(res: Response, status: number, what: string, drain = true): Promise<void> {
  if (res.status === status) {
    if (drain) await res.arrayBuffer();
    return;
  }
  throw new Error(`${what}: expected ${status}, got ${res.status} ${await res.text()}`);
}
