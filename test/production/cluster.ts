import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTarGz } from '../../core/registry/archive/test-archives';
import { clientFor, type TestResponse } from '../harness/http';
import { freePort } from '../harness/ports';
import { StrataProcess } from '../harness/production';

/** A module archive whose bytes are unique to (name, version): a random payload makes every sha256 distinct. */
export async function moduleArchive(dir: string, name: string, version: string, payloadBytes = 256 * 1024): Promise<Buffer> {
  const file = join(dir, `${name}-${version}-${randomBytes(3).toString('hex')}.tar.gz`);
  await writeTarGz(file, [
    { name: 'main.tf', content: `output "version" {\n  value = "${name} ${version}"\n}\n` },
    { name: 'README.md', content: `# ${name}\n\nversion ${version}\n` },
    { name: 'payload.bin', content: randomBytes(payloadBytes) },
  ]);
  return readFile(file);
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface ClusterSettings {
  dist: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  /** Extra environment for every process (e.g. OTEL_* variables). */
  env?: Record<string, string>;
}

/**
 * Strata's production topology on loopback: API and worker processes from the compiled bundles (`node dist/…`),
 * all sharing one database, one Temporal namespace and task queue, one blob directory and one signing secret.
 */
export class Cluster {
  readonly token = `strata_topology_${randomBytes(16).toString('hex')}`;
  readonly taskQueue = `strata-prod-${randomBytes(4).toString('hex')}`;
  private readonly signingSecret = randomBytes(32).toString('hex');
  readonly apis: { process: StrataProcess; url: string; port: number }[] = [];
  readonly workers: StrataProcess[] = [];
  dataDir = '';

  constructor(readonly settings: ClusterSettings) {}

  async init(): Promise<void> {
    this.dataDir = await mkdtemp(join(tmpdir(), 'strata-cluster-'));
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.settings.databaseUrl,
      TEMPORAL_ADDRESS: this.settings.temporalAddress,
      TEMPORAL_NAMESPACE: this.settings.namespace,
      STRATA_TASK_QUEUE: this.taskQueue,
      STRATA_DATA_DIR: this.dataDir,
      STRATA_SIGNING_SECRET: this.signingSecret,
      STRATA_BOOTSTRAP_TOKEN: this.token,
      LOG_LEVEL: 'info',
      // The VCS stand-ins listen on loopback.
      STRATA_VCS_ALLOW_PRIVATE_NETWORKS: 'true',
      // Suites written for the public registry read anonymously; the identity suites ask for `private`, the default.
      STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'public',
      // They publish and mint tokens far faster than a person: the rate-limit suites turn the limits on.
      STRATA_UPLOAD_LIMIT: '0',
      STRATA_TOKEN_CREATE_LIMIT: '0',
      ...this.settings.env,
      ...extra,
    };
  }

  async migrate(): Promise<string> {
    const p = new StrataProcess('migrate', join(this.settings.dist, 'migrate.mjs'), this.env());
    const code = await p.exited;
    if (code !== 0) throw new Error(`migrate exited with ${code}:\n${p.output}`);
    return p.output;
  }

  async startWorker(index: number): Promise<StrataProcess> {
    const p = new StrataProcess(`worker ${index}`, join(this.settings.dist, 'worker.mjs'), this.env());
    await p.waitFor(/Strata worker running/);
    this.workers[index] = p;
    return p;
  }

  async startApi(index: number, port?: number): Promise<StrataProcess> {
    port ??= this.apis[index]?.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const p = new StrataProcess(`api ${index}`, join(this.settings.dist, 'api.mjs'), this.env({ HOST: '127.0.0.1', PORT: String(port), STRATA_PUBLIC_URL: url }));
    await p.waitFor(/Strata API listening/);
    this.apis[index] = { process: p, url, port };
    return p;
  }

  call(index: number) {
    return clientFor({ url: this.apis[index]!.url, token: this.token, certificates: null });
  }

  async publishModule(api: number, path: string, body: Buffer, wait: boolean): Promise<TestResponse> {
    return this.call(api)(`/api/v1/modules/${path}${wait ? '?wait=true' : ''}`, { method: 'POST', body, headers: { 'content-type': 'application/gzip' } });
  }

  /** Downloads a module version through the registry protocol (download → signed URL → bytes); null if absent. */
  async downloadModule(api: number, path: string): Promise<Buffer | null> {
    const call = this.call(api);
    const res = await call(`/v1/modules/${path}/download`, { token: null });
    if (res.status === 404) return null;
    if (res.status !== 204) throw new Error(`download ${path}: ${res.status} ${res.body.toString()}`);
    const blob = await call(String(res.headers['x-terraform-get']), { token: null });
    if (blob.status !== 200) throw new Error(`blob of ${path}: ${blob.status}`);
    return blob.body;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis.map((a) => a?.process.stop()), ...this.workers.map((w) => w?.stop())]);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}
