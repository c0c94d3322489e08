/** The few management API calls the benchmarks need, over real HTTP with the bootstrap token. */
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
