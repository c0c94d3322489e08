import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import Long from 'long';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildProduction, eventually } from '../harness/production';
import { Cluster, moduleArchive } from '../production/cluster';
import { addMember, createNamespace, createOrg, createUser, json, signIn, userToken } from './session-helpers';

// Two API processes from the compiled build sharing one PostgreSQL: a change made through API 1 must reach the
// in-memory identity and namespace caches of API 2 (no message between them) within 5 seconds.

const LIMIT_MS = 5000;
const versions = '/v1/modules/acme-private/demo/aws/versions';
const download = '/v1/modules/acme-private/demo/aws/1.0.0/download';

let build: Awaited<ReturnType<typeof buildProduction>>;
let cluster: Cluster;
let work: string;
let bob: { id: string; email: string; password: string };

beforeAll(async () => {
  build = await buildProduction();
  work = await mkdtemp(join(tmpdir(), 'strata-revocation-'));
  const adminUrl = inject('postgresUrl');
  const database = `strata_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const namespace = `strata-revocation-${randomBytes(6).toString('hex')}`;
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  await connection.close();
  cluster = new Cluster({
    dist: build.dir,
    databaseUrl: adminUrl.replace(/\/[^/]+$/, `/${database}`),
    temporalAddress: inject('temporalAddress'),
    namespace,
    // The production default: namespaces are private unless made public.
    env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' },
  });
  await cluster.init();
  await cluster.migrate();
  // One worker publishes the module; the test is about the two APIs.
  await Promise.all([cluster.startWorker(0), cluster.startApi(0), cluster.startApi(1)]);

  // Everything is set up through API 1 with the bootstrap token (platform admin).
  const api1 = cluster.call(0);
  bob = await createUser(api1, 'bob@acme.test');
  await createOrg(api1, cluster.token, 'acme');
  await createNamespace(api1, cluster.token, 'acme', 'acme-private', 'private');
  await addMember(api1, cluster.token, 'acme', bob.email, 'reader');
  const published = await cluster.publishModule(0, 'acme-private/demo/aws/1.0.0', await moduleArchive(work, 'demo', '1.0.0', 1024), true);
  expect(published.status, published.body.toString()).toBe(201);
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh personal token of Bob's, made through a session on API 1. */
async function bobsToken(): Promise<{ token: string; id: string }> {
  const api1 = cluster.call(0);
  const token = await userToken(api1, await signIn(api1, bob.email, bob.password));
  const mine = (await api1('/api/v1/tokens', { token })).json().items as { id: string; prefix: string }[];
  return { token, id: mine.find((t) => token.startsWith(t.prefix))!.id };
}

const statusOn2 = async (path: string, token: string | null) => (await cluster.call(1)(path, { token })).status;
/** What a readable module's download answers: 204 with X-Terraform-Get. */
const downloadStatus = (versionsStatus: number) => (versionsStatus === 200 ? 204 : versionsStatus);

/**
 * Polls API 2 from the moment the change was accepted by API 1 until both protocol reads answer `status`; returns
 * how long that took. Polls past the limit so that a miss reports the real delay.
 */
async function msUntilApi2Answers(acceptedAt: number, token: string | null, status: number, what: string): Promise<number> {
  await eventually(
    async () => (await statusOn2(versions, token)) === status && (await statusOn2(download, token)) === downloadStatus(status),
    3 * LIMIT_MS,
    what,
    25,
  );
  const ms = Date.now() - acceptedAt;
  console.log(`revocation-cluster: ${what} after ${ms} ms`);
  return ms;
}

/** API 2 has the reader's identity and the namespace cached: it answers from memory, without a query. */
async function warmApi2(token: string | null, status: number): Promise<void> {
  for (let i = 0; i < 3; i++) {
    expect(await statusOn2(versions, token)).toBe(status);
    expect(await statusOn2(download, token)).toBe(downloadStatus(status));
  }
}

describe('private registry reads on API 2 follow changes made through API 1 within 5 s', () => {
  it('a token revoked through API 1 is refused by API 2 (401)', async () => {
    const { token, id } = await bobsToken();
    const other = await bobsToken();
    await warmApi2(token, 200);
    const revoked = await cluster.call(0)(`/api/v1/tokens/${id}`, { method: 'DELETE', token });
    expect(revoked.status).toBe(204);
    const ms = await msUntilApi2Answers(Date.now(), token, 401, 'API 2 refused the revoked token');
    expect(ms).toBeLessThan(LIMIT_MS);
    // Only that token: Bob's other token still reads.
    expect(await statusOn2(versions, other.token)).toBe(200);
    expect((await cluster.call(1)(versions, { token })).json().error.code).toBe('invalid_token');
  });

  it('a membership removed through API 1 hides the namespace on API 2 (404)', async () => {
    const { token } = await bobsToken();
    await warmApi2(token, 200);
    const removed = await cluster.call(0)(`/api/v1/orgs/acme/members/${bob.id}`, { method: 'DELETE' });
    expect(removed.status, removed.body.toString()).toBe(204);
    const ms = await msUntilApi2Answers(Date.now(), token, 404, 'API 2 hid the namespace from the removed member');
    expect(ms).toBeLessThan(LIMIT_MS);
    // The token itself still works: Bob is only no longer a reader of acme.
    expect((await cluster.call(1)('/api/v1/me', { token })).status).toBe(200);
  });

  it('a namespace made public through API 1 is readable anonymously on API 2, and private again', async () => {
    await warmApi2(null, 401);
    const patch = (visibility: string) => cluster.call(0)('/api/v1/namespaces/acme-private', { method: 'PATCH', headers: json, body: JSON.stringify({ visibility }) });
    expect((await patch('public')).status).toBe(200);
    const opened = await msUntilApi2Answers(Date.now(), null, 200, 'API 2 served the now-public namespace anonymously');
    expect(opened).toBeLessThan(LIMIT_MS);

    expect((await patch('private')).status).toBe(200);
    const closed = await msUntilApi2Answers(Date.now(), null, 401, 'API 2 refused anonymous reads of the private-again namespace');
    expect(closed).toBeLessThan(LIMIT_MS);
  });
});
