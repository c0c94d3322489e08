import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCredentialBeforeRun, resolveRunCredentialEnv, type CredentialCheckResult } from '../../activities/credentials/credential-check';
import { resolveSecretBox } from '../../core/crypto/master-key';
import { bindWorkspaceCredential } from '../../core/db/repos/workspace-credentials';
import { insertWorkspace } from '../../core/db/repos/workspaces';
import type { CloudCredential } from '../../api/routes/credentials/shapes';
import { checkAllCredentials } from '../../workflows/credentials/check-all-credentials';
import { clientFor } from '../harness/http';
import { startMoto, type MotoServer } from '../harness/moto';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { startCloudStandIns, type CloudStandIns } from './cloud-stand-ins';

// Cloud credentials end to end: the API, the `credential-check:<id>` workflow on a real Temporal server and worker,
// AWS against a real STS (moto with request signing on), the other clouds against stand-ins of their APIs.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let moto: MotoServer;
let clouds: CloudStandIns;
let awsKey: { accessKeyId: string; secretAccessKey: string };
let admin: string;
let reader: string;
let outsider: string;

beforeAll(async () => {
  // The stand-ins and moto listen on loopback: this platform allows private networks (the bad-input suite does not).
  [platform, moto, clouds] = await Promise.all([startPlatform({ env: { STRATA_ALLOW_PRIVATE_NETWORKS: 'true' } }), startMoto({ authenticated: true }), startCloudStandIns()]);
  const user = await moto.createUser('deployer');
  awsKey = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
  call = clientFor(platform);
  const [alice, bob, eve] = await Promise.all(['alice@acme.test', 'bob@acme.test', 'eve@other.test'].map((e) => createUser(call, e)));
  admin = await userToken(call, await signIn(call, alice!.email, alice!.password));
  await createOrg(call, admin, 'acme');
  await addMember(call, admin, 'acme', bob!.email, 'reader');
  reader = await userToken(call, await signIn(call, bob!.email, bob!.password));
  outsider = await userToken(call, await signIn(call, eve!.email, eve!.password));
  await createOrg(call, outsider, 'other');
});

afterAll(async () => {
  await Promise.all([platform?.close(), moto?.stop(), clouds?.close()]);
});

const base = (org = 'acme') => `/api/v1/orgs/${org}/credentials`;

async function create(body: unknown, token = admin, org = 'acme') {
  return call(base(org), { method: 'POST', token, headers: json, body: JSON.stringify(body) });
}

/** Creates a credential and waits for the check that saving started; returns the credential as the API shows it. */
async function createChecked(body: unknown): Promise<{ id: string; workflowId: string; view: CloudCredential }> {
  const res = await create(body);
  expect(res.status, res.body.toString()).toBe(201);
  const created = res.json();
  expect(created.status).toBe('pending');
  expect(created.validation.workflowId).toBe(`credential-check:${created.id}`);
  await platform.temporal.workflow.getHandle(created.validation.workflowId).result();
  const view = await call(`${base()}/${created.id}`, { token: reader });
  expect(view.status).toBe(200);
  return { id: created.id, workflowId: created.validation.workflowId, view: view.json() };
}

async function checkNow(id: string): Promise<CredentialCheckResult> {
  const res = await call(`${base()}/${id}/check`, { method: 'POST', token: admin });
  expect(res.status, res.body.toString()).toBe(202);
  expect(res.json().workflowId).toBe(`credential-check:${id}`);
  return platform.temporal.workflow.getHandle(res.json().workflowId).result();
}

const events = (credentialId: string) => platform.db('notification_events').whereRaw("payload->>'credentialId' = ?", [credentialId]).orderBy('created_at');

describe('AWS against a real STS (moto, signatures checked)', () => {
  it('a working key is valid with the account and ARN moto reports, and no secret is in the history or the table', async () => {
    const { id, workflowId, view } = await createChecked({ name: 'aws-prod', kind: 'aws', secret: awsKey, settings: { region: 'eu-west-1', endpoint: moto.endpoint } });
    expect(view).toMatchObject({ id, name: 'aws-prod', kind: 'aws', status: 'valid', settings: { region: 'eu-west-1', endpoint: moto.endpoint }, version: 1, workspaces: [] });
    expect(view.identity).toMatchObject({ account: '123456789012', arn: 'arn:aws:iam::123456789012:user/deployer' });
    expect(view.checkedAt).toBeTruthy();
    expect(JSON.stringify(view)).not.toContain(awsKey.secretAccessKey);

    const history = JSON.stringify(await platform.temporal.workflow.getHandle(workflowId).fetchHistory());
    expect(history).toContain(id);
    expect(history).not.toContain(awsKey.secretAccessKey);
    expect(history).not.toContain(awsKey.accessKeyId);
    const stored = JSON.stringify(await platform.db('cloud_credential_versions').where({ credential_id: id }));
    expect(stored).not.toContain(awsKey.secretAccessKey);

    // Runs get the key as environment variables (decrypted inside the runs' activity).
    const runtime = { secrets: await resolveSecretBox(platform.config), policy: { allowPrivateNetworks: true } };
    const env = await resolveRunCredentialEnv({ db: platform.db, runtime }, { credentialIds: [id] });
    expect(env).toEqual({ AWS_ACCESS_KEY_ID: awsKey.accessKeyId, AWS_SECRET_ACCESS_KEY: awsKey.secretAccessKey, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1', AWS_ENDPOINT_URL: moto.endpoint });
  });

  it('a wrong secret is invalid with SignatureDoesNotMatch; an unknown key with InvalidClientTokenId', async () => {
    const wrong = await createChecked({ name: 'aws-wrong', kind: 'aws', secret: { ...awsKey, secretAccessKey: 'x'.repeat(40) }, settings: { endpoint: moto.endpoint } });
    expect(wrong.view.status).toBe('invalid');
    expect(wrong.view.error).toMatch(/^SignatureDoesNotMatch: /);
    expect(wrong.view.identity).toBeUndefined();
    const unknown = await createChecked({ name: 'aws-unknown', kind: 'aws', secret: { accessKeyId: 'AKIAXXXXXXXXXXXXXXXX', secretAccessKey: 'y'.repeat(40) }, settings: { endpoint: moto.endpoint } });
    expect(unknown.view.status).toBe('invalid');
    expect(unknown.view.error).toMatch(/^InvalidClientTokenId: /);

    // Before a run: checked again, and an invalid credential refuses the run (a non-retryable domain error).
    const runtime = { secrets: await resolveSecretBox(platform.config), policy: { allowPrivateNetworks: true } };
    await expect(checkCredentialBeforeRun({ db: platform.db, runtime }, { credentialId: wrong.id })).rejects.toMatchObject({ code: 'credential_invalid', kind: 'invalid' });
    const good = (await call(base(), { token: admin })).json().items.find((c: { name: string }) => c.name === 'aws-prod');
    expect(await checkCredentialBeforeRun({ db: platform.db, runtime }, { credentialId: good.id })).toMatchObject({ status: 'valid' });
  });

  it('with a role to assume, the check assumes it and runs get the role\'s short-lived keys', async () => {
    const roleArn = 'arn:aws:iam::123456789012:role/deployer';
    const { id, view } = await createChecked({ name: 'aws-role', kind: 'aws', secret: awsKey, settings: { endpoint: moto.endpoint, roleArn } });
    expect(view.status, view.error).toBe('valid');
    expect(view.identity).toMatchObject({ arn: 'arn:aws:iam::123456789012:user/deployer', assumedRoleArn: expect.stringMatching(/^arn:aws:sts::123456789012:assumed-role\/deployer\/strata-credential-check$/) });
    const runtime = { secrets: await resolveSecretBox(platform.config), policy: { allowPrivateNetworks: true } };
    const env = await resolveRunCredentialEnv({ db: platform.db, runtime }, { credentialIds: [id] });
    expect(env.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(env.AWS_ACCESS_KEY_ID).not.toBe(awsKey.accessKeyId);
    expect(env.AWS_SESSION_TOKEN).toBeTruthy();
  });

  it('rotation writes a new version that is checked again: invalid → valid', async () => {
    const { id } = await createChecked({ name: 'aws-rotated', kind: 'aws', secret: { ...awsKey, secretAccessKey: 'z'.repeat(40) }, settings: { endpoint: moto.endpoint } });
    const res = await call(`${base()}/${id}`, { method: 'PUT', token: admin, headers: json, body: JSON.stringify({ secret: awsKey }) });
    expect(res.status, res.body.toString()).toBe(200);
    expect(res.json()).toMatchObject({ id, version: 2, status: 'pending', settings: { endpoint: moto.endpoint } });
    await platform.temporal.workflow.getHandle(res.json().validation.workflowId).result();
    const view = (await call(`${base()}/${id}`, { token: admin })).json();
    expect(view).toMatchObject({ status: 'valid', version: 2 });
    expect(await platform.db('cloud_credential_versions').where({ credential_id: id }).count({ n: '*' })).toEqual([{ n: '2' }]);
    const audit = await platform.db('audit_log').where({ target: id, action: 'credential.rotate' });
    expect(audit).toHaveLength(1);
    expect(audit[0].result).toBe('success');
  });
});

describe('Azure, Google Cloud, DigitalOcean and Hetzner against stand-ins of their APIs', () => {
  it('Azure: client credentials at the token endpoint, then the subscription read; a wrong secret is AADSTS7000215', async () => {
    const { azure } = clouds;
    const secret = { tenantId: azure.tenantId, clientId: azure.clientId, clientSecret: azure.clientSecret, subscriptionId: azure.subscriptionId };
    const ok = await createChecked({ name: 'azure', kind: 'azure', secret, settings: { endpoint: clouds.url } });
    expect(ok.view.status).toBe('valid');
    expect(ok.view.identity).toMatchObject({ subscriptionId: azure.subscriptionId, subscriptionName: 'Platform Production', state: 'Enabled' });
    const bad = await createChecked({ name: 'azure-bad', kind: 'azure', secret: { ...secret, clientSecret: 'nope' }, settings: { endpoint: clouds.url } });
    expect(bad.view.status).toBe('invalid');
    expect(bad.view.error).toMatch(/^AADSTS7000215: Invalid client secret provided/);
    const noSub = await createChecked({ name: 'azure-nosub', kind: 'azure', secret: { ...secret, subscriptionId: '00000000-0000-0000-0000-000000000000' }, settings: { endpoint: clouds.url } });
    expect(noSub.view.error).toMatch(/^SubscriptionNotFound: /);
  });

  it('Google Cloud: a signed JWT bearer grant, the project read, and a key that expires within 14 days raises credential.expiring', async () => {
    const { gcp } = clouds;
    const ok = await createChecked({ name: 'gcp', kind: 'gcp', secret: { serviceAccountJson: gcp.account.json }, settings: { endpoint: clouds.url } });
    expect(ok.view.status).toBe('valid');
    expect(ok.view.identity).toMatchObject({ clientEmail: gcp.account.clientEmail, projectId: 'acme-infra-42', projectName: 'ACME Infrastructure' });
    expect(ok.view.expiresAt).toBe(new Date(gcp.keyValidBefore).toISOString());
    const raised = await events(ok.id);
    expect(raised.map((e) => e.type)).toEqual(['credential.expiring']);
    expect(raised[0]).toMatchObject({ subject: expect.stringContaining('gcp (gcp) expires on'), link: '/orgs/acme/credentials' });
    expect(JSON.stringify(raised)).not.toContain('PRIVATE KEY');
    // Checked again with the same expiry: no second warning.
    await checkNow(ok.id);
    expect(await events(ok.id)).toHaveLength(1);

    const foreign = await createChecked({ name: 'gcp-deleted-key', kind: 'gcp', secret: { serviceAccountJson: clouds.foreignServiceAccount().json }, settings: { endpoint: clouds.url } });
    expect(foreign.view.status).toBe('invalid');
    expect(foreign.view.error).toBe('Invalid JWT Signature.');
    const history = JSON.stringify(await platform.temporal.workflow.getHandle(foreign.workflowId).fetchHistory());
    expect(history).not.toContain('PRIVATE KEY');
  });

  it('DigitalOcean: GET /v2/account; a token revoked later turns valid → invalid and raises credential.invalid once', async () => {
    const { digitalocean } = clouds;
    const ok = await createChecked({ name: 'do', kind: 'digitalocean', secret: { token: digitalocean.token }, settings: { endpoint: clouds.url } });
    expect(ok.view).toMatchObject({ status: 'valid', identity: { email: 'ops@acme.test', team: 'ACME Platform', status: 'active' } });
    const original = digitalocean.token;
    digitalocean.token = 'revoked';
    try {
      const result = await checkNow(ok.id);
      expect(result).toMatchObject({ status: 'invalid', error: 'Unauthorized: Unable to authenticate you' });
      expect(result.events).toHaveLength(1);
      const raised = await events(ok.id);
      expect(raised.map((e) => [e.type, e.org_id !== null, e.link])).toEqual([['credential.invalid', true, '/orgs/acme/credentials']]);
      expect(raised[0].payload).toMatchObject({ credentialId: ok.id, name: 'do', kind: 'digitalocean', reason: 'Unauthorized: Unable to authenticate you' });
      // Still invalid on the next check: no new event.
      expect((await checkNow(ok.id)).events).toEqual([]);
    } finally {
      digitalocean.token = original;
    }
  });

  it('Hetzner: GET /v1/locations; a wrong token is invalid with the API\'s reason', async () => {
    const ok = await createChecked({ name: 'hcloud', kind: 'hetzner', secret: { token: clouds.hetzner.token }, settings: { endpoint: clouds.url } });
    expect(ok.view).toMatchObject({ status: 'valid', identity: { locations: 'fsn1, nbg1, hel1' } });
    const bad = await createChecked({ name: 'hcloud-bad', kind: 'hetzner', secret: { token: 'wrong' }, settings: { endpoint: clouds.url } });
    expect(bad.view).toMatchObject({ status: 'invalid', error: 'unauthorized: unable to authenticate' });
  });

  it('a cloud that answers 503 is retried with backoff and never recorded as invalid', async () => {
    const { id } = await createChecked({ name: 'hcloud-outage', kind: 'hetzner', secret: { token: clouds.hetzner.token }, settings: { endpoint: clouds.url } });
    const before = clouds.seen.filter((s) => s === 'GET /v1/locations').length;
    clouds.unavailable(2);
    const result = await checkNow(id);
    expect(result.status).toBe('valid');
    // Two refused attempts and the one that worked.
    expect(clouds.seen.filter((s) => s === 'GET /v1/locations').length - before).toBe(3);
  });
});

describe('the API around credentials', () => {
  it('lists without secrets; readers see, only admins change; another organisation gets 404 — each refusal audited, nothing stored', async () => {
    const list = await call(base(), { token: reader });
    expect(list.status).toBe(200);
    const names = list.json().items.map((c: { name: string }) => c.name);
    expect(names).toContain('aws-prod');
    expect(list.body.toString()).not.toContain(awsKey.secretAccessKey);
    expect(list.body.toString()).not.toContain(clouds.hetzner.token);

    const count = async () => Number((await platform.db('cloud_credentials').count({ n: '*' }))[0]!.n);
    const stored = await count();
    const byReader = await create({ name: 'by-reader', kind: 'hetzner', secret: { token: 'x' } }, reader);
    expect(byReader.status).toBe(403);
    expect(await count()).toBe(stored);
    // Refused before the body is read: the entry names who tried, in which organisation, and why.
    const denied = await platform.db('audit_log').where({ action: 'credential.create', result: 'denied' });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ actor_type: 'user', actor_label: expect.stringMatching(/^bob@acme.test /), org_id: (await platform.db('organizations').where({ name: 'acme' }).first()).id });
    expect(denied[0].details).toMatchObject({ code: 'forbidden' });

    const id = list.json().items.find((c: { name: string }) => c.name === 'aws-prod').id;
    // The outsider's own organisation, acme's credential id: answered as missing, and audited.
    for (const [method, path] of [
      ['GET', `${base('other')}/${id}`],
      ['POST', `${base('other')}/${id}/check`],
      ['DELETE', `${base('other')}/${id}`],
    ] as const) {
      const res = await call(path, { method, token: outsider });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.json().error.code).toBe('credential_not_found');
    }
    const outsiderAudit = await platform.db('audit_log').where({ target: id, result: 'denied' });
    expect(outsiderAudit.map((a) => a.action).sort()).toEqual(['credential.check', 'credential.delete', 'credential.read']);
    expect((await call(`${base()}/${id}`, { token: outsider })).status).toBe(404);

    // A check's progress is visible to the organisation's members, not to others.
    expect((await call(`/api/v1/workflows/${encodeURIComponent(`credential-check:${id}`)}`, { token: reader })).status).toBe(200);
    expect((await call(`/api/v1/workflows/${encodeURIComponent(`credential-check:${id}`)}`, { token: outsider })).status).toBe(404);
  });

  it('deletion is refused while a workspace uses the credential, then soft', async () => {
    const { id } = await createChecked({ name: 'to-delete', kind: 'hetzner', secret: { token: clouds.hetzner.token }, settings: { endpoint: clouds.url } });
    const workspaceId = await bindToWorkspace(id);
    const shown = (await call(`${base()}/${id}`, { token: reader })).json();
    expect(shown.workspaces).toEqual([{ id: workspaceId, name: 'network' }]);
    const refused = await call(`${base()}/${id}`, { method: 'DELETE', token: admin });
    expect(refused.status).toBe(409);
    expect(refused.json().error.code).toBe('credential_in_use');
    expect(await platform.db('audit_log').where({ target: id, action: 'credential.delete', result: 'failure' })).toHaveLength(1);
    await platform.db('workspace_credentials').where({ credential_id: id }).delete();
    expect((await call(`${base()}/${id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    expect((await call(`${base()}/${id}`, { token: admin })).status).toBe(404);
    expect((await platform.db('cloud_credentials').where({ id }).first()).deleted_at).not.toBeNull();
    // The name is free again.
    expect((await create({ name: 'to-delete', kind: 'hetzner', secret: { token: 'x' }, settings: { endpoint: clouds.url } })).status).toBe(201);
  });

  it('the scheduled re-check starts credential-check:<id> for every live credential', async () => {
    const live = await platform.db('cloud_credentials').whereNull('deleted_at').select('id');
    const result = await platform.temporal.workflow.execute(checkAllCredentials, {
      workflowId: `credential-check-all-test`,
      taskQueue: platform.config.temporal.taskQueue,
      args: [{}],
    });
    expect(result.started + result.alreadyRunning).toBe(live.length);
    for (const { id } of live) {
      const handle = platform.temporal.workflow.getHandle(`credential-check:${id}`);
      await handle.result().catch(() => undefined);
      expect((await handle.describe()).searchAttributes.StrataKind).toEqual(['credential-check']);
    }
  });
});

/** A workspace of acme that uses the credential. */
async function bindToWorkspace(credentialId: string): Promise<string> {
  const org = await platform.db('organizations').where({ name: 'acme' }).first();
  const workspace = await insertWorkspace(platform.db, {
    org_id: org.id,
    name: 'network',
    engine: 'tofu',
    engine_version: null,
    source: { kind: 'upload' },
    environment: 'production',
    auto_apply: false,
    tags: {},
    drift_interval_minutes: null,
    created_by: null,
  });
  await bindWorkspaceCredential(platform.db, workspace.id, credentialId);
  return workspace.id;
}
