import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { stopChild } from '../../temporal/dev-server';
import { freePort } from './ports';

// A real AWS API implementation for the cloud-identity tests: moto's server mode (pip `moto[server]`), which
// answers STS (GetCallerIdentity, AssumeRoleWithWebIdentity, …) and IAM on one loopback port.

const MOTO_VERSION = '5.2.5';
const START_TIMEOUT_MS = 60_000;
const REGION = 'us-east-1';

/** The directory moto is installed into (once, from pip) — its `PYTHONPATH`. */
export async function ensureMoto(): Promise<string> {
  const dir = join(homedir(), '.cache', 'strata-tools', `moto-${MOTO_VERSION}`);
  if (existsSync(join(dir, 'moto', 'server.py'))) return dir;
  // Installed beside it and renamed into place: the directory exists only complete, and two suites installing
  // at once do not mix their files (the second rename fails; its copy is dropped).
  const staging = `${dir}.installing-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await promisify(execFile)(
      'python3',
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', staging, `moto[server]==${MOTO_VERSION}`],
      { maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 },
    );
    if (!existsSync(join(staging, 'moto', 'server.py'))) throw new Error(`moto installed but ${staging}/moto/server.py is missing`);
    await rename(staging, dir).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, 'moto', 'server.py'))) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return dir;
}

export interface MotoUser {
  name: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MotoServer {
  /** `http://127.0.0.1:<port>`: the endpoint of every AWS service moto answers. */
  endpoint: string;
  region: string;
  /**
   * Without authentication (the default) moto accepts any key. Authenticated, every request must be signed
   * with an access key of an IAM user that exists and whose policy allows the action: a wrong secret gets
   * `SignatureDoesNotMatch`, an unknown key `InvalidClientTokenId`, as from AWS. Unlike AWS, moto then also wants
   * `AssumeRoleWithWebIdentity` signed.
   */
  authenticated: boolean;
  /**
   * An IAM user allowed everything, with an access key (`GetCallerIdentity` answers its ARN). Authenticated,
   * the user is made with three unauthenticated requests that moto lets through for the purpose: make users
   * before the test's own calls, not in parallel with them.
   */
  createUser(name: string): Promise<MotoUser>;
  stop(): Promise<void>;
}

/** moto's server on a free loopback port, stopped (bounded in time) by `stop()` or when the test process exits. */
export async function startMoto(options: { authenticated?: boolean } = {}): Promise<MotoServer> {
  const pythonPath = await ensureMoto();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: pythonPath, AWS_DEFAULT_REGION: REGION },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child, 3_000);
  };

  // moto's own API (not an AWS action): opens the next `count` AWS requests to anyone, then signatures are due again.
  const allowUnauthenticated = async (count: number | 'always') => {
    const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: count === 'always' ? 'inf' : String(count) });
    if (!res.ok) throw new Error(`moto reset-auth: ${res.status} ${await res.text()}`);
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}`);
      const up = await fetch(`${endpoint}/moto-api/data.json`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`moto did not answer within ${START_TIMEOUT_MS} ms`);
      await sleep(200);
    }
    await allowUnauthenticated(options.authenticated ? 0 : 'always');
  } catch (err) {
    await stop();
    throw new Error(`moto did not start: ${(err as Error).message}\n${output}`, { cause: err });
  }

  const createUser = async (name: string): Promise<MotoUser> => {
    if (options.authenticated) await allowUnauthenticated(3);
    const created = await iamAction(endpoint, { Action: 'CreateUser', UserName: name });
    await iamAction(endpoint, {
      Action: 'PutUserPolicy',
      UserName: name,
      PolicyName: 'everything',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    });
    const key = await iamAction(endpoint, { Action: 'CreateAccessKey', UserName: name });
    return { name, arn: xmlValue(created, 'Arn'), accessKeyId: xmlValue(key, 'AccessKeyId'), secretAccessKey: xmlValue(key, 'SecretAccessKey') };
  };

  return { endpoint, region: REGION, authenticated: options.authenticated ?? false, createUser, stop };
}

/**
 * One IAM query-API call while moto lets requests through unauthenticated. moto finds the service from the
 * credential scope of the Authorization header; the signature itself is not checked in that phase.
 */
async function iamAction(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: `AWS4-HMAC-SHA256 Credential=setup/20260101/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=unchecked`,
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action}: ${res.status} ${text}`);
  return text;
}

function xmlValue(xml: string, element: string): string {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(xml);
  if (!m) throw new Error(`no <${element}> in moto's answer: ${xml.slice(0, 500)}`);
  return m[1]!;
}
