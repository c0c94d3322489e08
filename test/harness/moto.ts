import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnBoundChild, stopProcess } from '../../core/embedded/processes';
import { childEnvironment } from '../../core/config';
import { ensurePipBinary } from '../../temporal/dev-server';
import { freePort } from './ports';

const MOTO_VERSION = '5.2.5';

/** moto's server (`moto[server]` from PyPI), installed once into ~/.cache/strata-tools like the Temporal CLI. */
export function ensureMotoServer(): Promise<string> {
  return ensurePipBinary({ pkg: 'moto[server]', version: MOTO_VERSION, bin: 'moto_server', dir: `moto-${MOTO_VERSION}` });
}

export interface MotoServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real STS/IAM implementation on a loopback port with request signing switched on after the first
 * `unauthenticatedRequests` requests: use those to create users and keys; after that a wrong secret is refused
 * with SignatureDoesNotMatch and an unknown key with InvalidClientTokenId, as AWS does.
 */
export async function startMoto(options: { unauthenticatedRequests: number }): Promise<MotoServer> {
  const bin = await ensureMotoServer();
  const port = await freePort();
  const child = spawnBoundChild(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    deathSignal: 'SIGTERM',
    env: childEnvironment({ PYTHONPATH: dirname(dirname(bin)), INITIAL_NO_AUTH_ACTION_COUNT: String(options.unauthenticatedRequests) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  // Readiness without spending one of the unauthenticated requests: a TCP-level probe of the port.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${stderr}`);
    const open = await fetch(`${url}/moto-api/`, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (open) break;
    if (Date.now() > deadline) throw new Error(`moto_server did not start: ${stderr}`);
    await sleep(200);
  }
  return { url, stop: () => stopProcess(child.pid!, 'SIGTERM', 5_000) };
}

/**
 * Calls IAM's query API without signing (spends one of the server's unauthenticated requests). The Authorization
 * header only names the service, which is how moto's server routes a request.
 */
async function iamCall(moto: MotoServer, params: Record<string, string>): Promise<string> {
  const res = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`IAM ${params.Action} failed (${res.status}): ${text}`);
  return text;
}

/** Creates an IAM user with an access key (two of the server's unauthenticated requests). */
export async function createIamUserWithKey(moto: MotoServer, userName: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await iamCall(moto, { Action: 'CreateUser', UserName: userName });
  const xml = await iamCall(moto, { Action: 'CreateAccessKey', UserName: userName });
  const tag = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1];
  const accessKeyId = tag('AccessKeyId');
  const secretAccessKey = tag('SecretAccessKey');
  if (!accessKeyId || !secretAccessKey) throw new Error(`CreateAccessKey answered without a key: ${xml}`);
  return { accessKeyId, secretAccessKey };
}
