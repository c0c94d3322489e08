import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startMoto, type MotoServer } from '../harness/moto';
import { startPlatform, type Platform } from '../harness/platform';
import { createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { configurationArchive, createWorkspace, startRun, uploadConfiguration, waitForRun } from './run-helpers';

// A run's engine gets the cloud credentials bound to its workspace: a static AWS key checked against a real STS
// (moto) before the plan, or short-lived keys exchanged per phase for Strata's own ID token
// (AssumeRoleWithWebIdentity). The keys reach the engine's environment and never its log.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let admin: string;
let authenticated: MotoServer;
let open: MotoServer;
const ORG = 'cloud-runs';

/** Writes the AWS variables the engine sees into `file` during apply. */
const envProbe = (file: string) => ({
  'main.tf': `
resource "terraform_data" "probe" {
  provisioner "local-exec" {
    command = "printf '%s %s %s' \\"$AWS_ACCESS_KEY_ID\\" \\"$AWS_REGION\\" \\"$\${AWS_SESSION_TOKEN:+session}\\" > ${file} && echo key=$AWS_SECRET_ACCESS_KEY"
  }
}
`,
});

async function credential(body: Record<string, unknown>): Promise<string> {
  const res = await call(`/api/v1/orgs/${ORG}/credentials`, { method: 'POST', token: admin, headers: json, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`credential: ${res.status} ${res.body.toString()}`);
  return res.json().id;
}

async function bind(ws: string, credentialIds: string[]) {
  const res = await call(`/api/v1/orgs/${ORG}/workspaces/${ws}/credentials`, { method: 'PUT', token: admin, headers: json, body: JSON.stringify({ credentialIds }) });
  expect(res.status, res.body.toString()).toBe(200);
  return res.json().items;
}

beforeAll(async () => {
  const tofu = await tofuBinary();
  [platform, authenticated, open] = await Promise.all([
    startPlatform({ tls: true, env: { STRATA_TOFU_BIN: tofu, STRATA_ALLOW_PRIVATE_NETWORKS: 'true' } }),
    startMoto({ authenticated: true }),
    startMoto(),
  ]);
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-run-credentials-'));
  const a = await createUser(call, 'cloud@runs.test');
  admin = await userToken(call, await signIn(call, a.email, a.password));
  await createOrg(call, admin, ORG);
}, 300_000);

afterAll(async () => {
  await Promise.all([platform?.close(), authenticated?.stop(), open?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('runs with cloud credentials', () => {
  it('gives the engine a bound static AWS key, checked first, masked in the log', async () => {
    const user = await authenticated.createUser('runner');
    const id = await credential({ name: 'aws-static', kind: 'aws', secret: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }, settings: { region: 'eu-west-1', endpoint: authenticated.endpoint } });
    const probe = join(work, 'static.txt');
    await createWorkspace(call, admin, ORG, { name: 'static', environment: 'development', autoApply: true });
    expect(await bind('static', [id])).toEqual([expect.objectContaining({ id, name: 'aws-static', kind: 'aws' })]);
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/static`, { token: admin })).json().credentials).toEqual([expect.objectContaining({ id })]);
    expect((await uploadConfiguration(call, admin, ORG, 'static', await configurationArchive(envProbe(probe)))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'static', { operation: 'apply' });
    const done = await waitForRun(call, admin, run.id, ['applied', 'errored'], 180_000);
    expect(done.status, JSON.stringify(done)).toBe('applied');
    expect(await readFile(probe, 'utf8')).toBe(`${user.accessKeyId} eu-west-1 `);
    const logs = (await call(`/api/v1/runs/${run.id}/logs`, { token: admin })).body.toString();
    expect(logs).toContain('key=***');
    expect(logs).not.toContain(user.secretAccessKey);
    // The credential was checked against the cloud before the run.
    expect((await call(`/api/v1/orgs/${ORG}/credentials/${id}`, { token: admin })).json().status).toBe('valid');
    // While a workspace uses it, the credential cannot be deleted.
    expect((await call(`/api/v1/orgs/${ORG}/credentials/${id}`, { method: 'DELETE', token: admin })).status).toBe(409);
  }, 240_000);

  it('exchanges a Strata ID token for short-lived keys of a role (workload identity), per phase', async () => {
    const id = await credential({ name: 'aws-federated', kind: 'aws', secret: {}, settings: { region: 'us-west-2', endpoint: open.endpoint, roleArn: 'arn:aws:iam::123456789012:role/strata-deploy' } });
    const probe = join(work, 'federated.txt');
    await createWorkspace(call, admin, ORG, { name: 'federated', environment: 'development', autoApply: true });
    await bind('federated', [id]);
    expect((await uploadConfiguration(call, admin, ORG, 'federated', await configurationArchive(envProbe(probe)))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'federated', { operation: 'apply' });
    const done = await waitForRun(call, admin, run.id, ['applied', 'errored'], 180_000);
    expect(done.status, JSON.stringify(done)).toBe('applied');
    // STS's temporary keys start with ASIA and come with a session token.
    expect(await readFile(probe, 'utf8')).toMatch(/^ASIA\w+ us-west-2 session$/);
  }, 240_000);

  it('refuses to bind another organisation’s or an unknown credential', async () => {
    await createWorkspace(call, admin, ORG, { name: 'binding' });
    const o = await createUser(call, 'other@cloud.test');
    const other = await userToken(call, await signIn(call, o.email, o.password));
    await createOrg(call, other, 'other-cloud');
    const foreign = await call('/api/v1/orgs/other-cloud/credentials', {
      method: 'POST',
      token: other,
      headers: json,
      body: JSON.stringify({ name: 'theirs', kind: 'hetzner', secret: { token: 'h'.repeat(64) } }),
    });
    expect(foreign.status, foreign.body.toString()).toBe(201);
    const res = await call(`/api/v1/orgs/${ORG}/workspaces/binding/credentials`, { method: 'PUT', token: admin, headers: json, body: JSON.stringify({ credentialIds: [foreign.json().id] }) });
    expect(res.status).toBe(404);
    expect((await platform.db('workspace_credentials')).filter((r: { credential_id: string }) => r.credential_id === foreign.json().id)).toEqual([]);
  });
});
