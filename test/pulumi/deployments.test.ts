import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pulumiBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { waitForRun } from '../runs/run-helpers';
import { startWorkerProcess } from '../runs/worker-process';
import { pluginZip } from '../fixtures/plugins';

// A plugin version provisioned as a Pulumi stack through the runs' lifecycle: real Pulumi CLI, the Automation API
// with the plugin's program inline, a DIY backend in Strata's store, approval by the environment's policy.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let admin: string;
let publisher: string;
const ORG = 'idp';
const tags = { team: 'platform', owner: 'ann', purpose: 'test' };

/** A dynamic resource whose create appends a line to `inputs.marker`: counts how often `up` really created it. */
const PROGRAM = `const pulumi = require('@pulumi/pulumi');
module.exports = async function (inputs) {
  const provider = {
    async create(props) {
      require('fs').appendFileSync(props.marker, 'created ' + props.name + '\\n');
      if (props.pauseSeconds) await new Promise((r) => setTimeout(r, props.pauseSeconds * 1000));
      return { id: 'thing-' + props.name, outs: props };
    },
  };
  class Thing extends pulumi.dynamic.Resource {
    constructor(name, props, opts) { super(provider, name, props, opts); }
  }
  const thing = new Thing('thing', { name: inputs.name, marker: inputs.marker, pauseSeconds: inputs.pauseSeconds });
  return { name: thing.id, token: pulumi.secret('s3cr3t-' + inputs.name) };
};
`;
const MANIFEST = {
  name: 'thing',
  version: '1.0.0',
  description: 'A thing',
  inputs: {
    type: 'object',
    properties: { name: { type: 'string' }, marker: { type: 'string' }, size: { type: 'string', enum: ['s', 'm'], default: 's' }, pauseSeconds: { type: 'integer', default: 0 } },
    required: ['name', 'marker'],
    additionalProperties: false,
  },
};

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_PULUMI_BIN: await pulumiBinary() } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-deployments-'));
  const [a, p] = await Promise.all([createUser(call, 'admin@idp.test'), createUser(call, 'dev@idp.test')]);
  admin = await userToken(call, await signIn(call, a.email, a.password));
  publisher = await userToken(call, await signIn(call, p.email, p.password));
  await createOrg(call, admin, ORG);
  await addMember(call, admin, ORG, p.email, 'publisher');
  const zip = await pluginZip([
    { name: 'strata-plugin.json', content: JSON.stringify(MANIFEST) },
    { name: 'index.js', content: PROGRAM },
  ]);
  const published = await call(`/api/v1/orgs/${ORG}/plugins/thing/versions?wait=true`, { method: 'POST', token: admin, headers: { 'content-type': 'application/zip' }, body: zip });
  expect(published.status, published.body.toString()).toBe(201);
}, 600_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const deploy = (token: string, body: Record<string, unknown>) => call(`/api/v1/orgs/${ORG}/deployments`, { method: 'POST', token, headers: json, body: JSON.stringify(body) });

describe('plugin deployments', () => {
  it('previews, waits for approval, updates once, records outputs with secrets masked', async () => {
    const marker = join(work, 'prod.log');
    const res = await deploy(publisher, { plugin: 'thing', version: '1.0.0', stack: 'prod-thing', environment: 'production', inputs: { name: 'alpha', marker }, tags });
    expect(res.status, res.body.toString()).toBe(202);
    const { runId, workflowId } = res.json();
    expect(workflowId).toBe(`pulumi-run:${runId}`);
    const waiting = await waitForRun(call, admin, runId, ['awaiting_approval', 'errored'], 240_000);
    expect(waiting.status, JSON.stringify(waiting)).toBe('awaiting_approval');
    expect(waiting.plan.add).toBeGreaterThanOrEqual(1);
    // The preview created nothing; a publisher is no approver in production.
    await expect(readFile(marker, 'utf8')).rejects.toThrow();
    expect((await call(`/api/v1/runs/${runId}/approve`, { method: 'POST', token: publisher, headers: json, body: '{}' })).status).toBe(403);
    expect((await call(`/api/v1/runs/${runId}/approve`, { method: 'POST', token: admin, headers: json, body: '{}' })).status).toBe(202);
    const done = await waitForRun(call, admin, runId, ['applied', 'errored'], 240_000);
    expect(done.status, JSON.stringify(done)).toBe('applied');
    expect(await readFile(marker, 'utf8')).toBe('created alpha\n');
    expect(done.outputs.name.value).toBe('thing-alpha');
    expect(done.outputs.token).toEqual({ value: null, sensitive: true });
    const logs = (await call(`/api/v1/runs/${runId}/logs`, { token: admin })).body.toString();
    expect(logs).not.toContain('s3cr3t-alpha');
    const described = await platform.temporal.workflow.getHandle(workflowId).describe();
    expect(described.searchAttributes).toMatchObject({ StrataKind: ['pulumi-run'], StrataOrg: [ORG], StrataWorkspace: ['prod-thing'] });
    // The stack's passphrase is sealed; the listing shows the deployment.
    const row = await platform.db('workspaces').where({ name: 'prod-thing' }).first('stack_passphrase');
    expect(row.stack_passphrase).toMatchObject({ v: 1, ct: expect.any(String) });
    expect((await call(`/api/v1/orgs/${ORG}/deployments`, { token: admin })).json().items).toEqual([
      expect.objectContaining({ stack: 'prod-thing', plugin: 'thing', version: '1.0.0', status: 'deployed', inputs: { name: 'alpha', marker, size: 's', pauseSeconds: 0 } }),
    ]);
    const id = res.json().id;
    expect((await call(`/api/v1/deployments/${id}`, { token: publisher })).json()).toMatchObject({ id, stack: 'prod-thing', status: 'deployed', latestRun: { id: runId } });
    expect((await call(`/api/v1/orgs/${ORG}/deployments?environment=production&status=deployed&plugin=thing&tag=team=platform`, { token: admin })).json().items).toHaveLength(1);
    expect((await call(`/api/v1/orgs/${ORG}/deployments?environment=staging`, { token: admin })).json().items).toHaveLength(0);
    expect((await call(`/api/v1/orgs/${ORG}/deployments?tag=team=other`, { token: admin })).json().items).toHaveLength(0);
    // A second update with nothing changed: the preview says so, and nothing is created again.
    const again = await call(`/api/v1/orgs/${ORG}/workspaces/prod-thing/runs`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ operation: 'apply' }) });
    expect((await waitForRun(call, admin, again.json().id, ['planned_no_changes', 'errored', 'awaiting_approval'], 240_000)).status).toBe('planned_no_changes');
    expect(await readFile(marker, 'utf8')).toBe('created alpha\n');
    // A destroy: previewed as a deletion, approved, then the deployment reads `destroyed`.
    const destroy = await call(`/api/v1/orgs/${ORG}/workspaces/prod-thing/runs`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ operation: 'destroy' }) });
    const destroyId = destroy.json().id;
    const toDestroy = await waitForRun(call, admin, destroyId, ['awaiting_approval', 'errored'], 240_000);
    expect(toDestroy.plan.destroy, JSON.stringify(toDestroy)).toBeGreaterThanOrEqual(1);
    expect((await call(`/api/v1/runs/${destroyId}/approve`, { method: 'POST', token: admin, headers: json, body: '{}' })).status).toBe(202);
    expect((await waitForRun(call, admin, destroyId, ['applied', 'errored'], 240_000)).status).toBe('applied');
    expect((await call(`/api/v1/deployments/${id}`, { token: admin })).json().status).toBe('destroyed');
  }, 600_000);

  it('refuses inputs that do not match the schema, missing tags, an unknown plugin version and a reader', async () => {
    const bad = await deploy(publisher, { plugin: 'thing', version: '1.0.0', stack: 'bad', inputs: { name: 'x', size: 'xl' }, tags });
    expect(bad.status).toBe(400);
    expect(bad.json().error.code).toBe('invalid_inputs');
    const untagged = await deploy(publisher, { plugin: 'thing', version: '1.0.0', stack: 'untagged', inputs: { name: 'x', marker: '/tmp/x' } });
    expect(untagged.status).toBe(400);
    expect(untagged.json().error.code).toBe('workspace_tags_missing');
    expect((await deploy(publisher, { plugin: 'thing', version: '9.9.9', stack: 'nine', inputs: {}, tags })).status).toBe(404);
    const r = await createUser(call, 'reader@idp.test');
    await addMember(call, admin, ORG, r.email, 'reader');
    const reader = await userToken(call, await signIn(call, r.email, r.password));
    expect((await deploy(reader, { plugin: 'thing', version: '1.0.0', stack: 'readers', inputs: { name: 'x', marker: '/tmp/x' }, tags })).status).toBe(403);
    expect(await platform.db('workspaces').whereIn('name', ['bad', 'untagged', 'nine', 'readers'])).toEqual([]);
  });
});

describe('a misbehaving program', () => {
  it('ends its own process, not the worker: the run errors with the reason and the worker goes on', async () => {
    const zip = await pluginZip([
      { name: 'strata-plugin.json', content: JSON.stringify({ ...MANIFEST, name: 'crasher', inputs: { type: 'object', properties: {} } }) },
      { name: 'index.js', content: 'module.exports = async function () { process.exit(3); };\n' },
    ]);
    expect((await call(`/api/v1/orgs/${ORG}/plugins/crasher/versions?wait=true`, { method: 'POST', token: admin, headers: { 'content-type': 'application/zip' }, body: zip })).status).toBe(201);
    const res = await deploy(admin, { plugin: 'crasher', version: '1.0.0', stack: 'crashing', environment: 'development', autoApply: true, inputs: {}, tags });
    const done = await waitForRun(call, admin, res.json().runId, ['errored', 'applied', 'planned_no_changes'], 180_000);
    expect(done.status).toBe('errored');
    expect(done.error).toMatch(/exit code 3|exited|ended/);
    // The worker that ran it still works: another deployment previews.
    const next = await deploy(admin, { plugin: 'thing', version: '1.0.0', stack: 'after-crash', environment: 'production', inputs: { name: 'gamma', marker: join(work, 'gamma.log') }, tags });
    expect((await waitForRun(call, admin, next.json().runId, ['awaiting_approval', 'errored'], 180_000)).status).toBe('awaiting_approval');
    await call(`/api/v1/runs/${next.json().runId}/discard`, { method: 'POST', token: admin, headers: json, body: '{}' });
  }, 300_000);
});

describe('a worker killed during the update', () => {
  it('never runs the update twice: the run ends errored saying so, with the stale stack lock released', async () => {
    const marker = join(work, 'killed.log');
    await platform.stopWorker();
    const pulumi = await pulumiBinary();
    const worker = await startWorkerProcess(platform, { STRATA_PULUMI_BIN: pulumi });
    try {
      const res = await deploy(admin, { plugin: 'thing', version: '1.0.0', stack: 'killed', environment: 'development', autoApply: true, inputs: { name: 'beta', marker, pauseSeconds: 60 }, tags });
      expect(res.status, res.body.toString()).toBe(202);
      const deadline = Date.now() + 180_000;
      while (!(await readFile(marker, 'utf8').catch(() => ''))) {
        if (Date.now() > deadline) throw new Error('the update never started');
        await new Promise((r) => setTimeout(r, 250));
      }
      await worker.kill();
      await platform.startWorker();
      const done = await waitForRun(call, admin, res.json().runId, ['errored', 'applied'], 180_000);
      expect(done.status).toBe('errored');
      expect(done.error).toContain('never repeated');
      expect(done.error).toContain('stack lock was released');
      const ws = await platform.db('workspaces').where({ name: 'killed' }).first('id');
      const locks = join(platform.config.dataDir, 'blobs', 'pulumi-state', ws.id, '.pulumi', 'locks', 'organization', `strata-${ORG}`, 'killed');
      // Pulumi's DIY layout keeps the project's lock folder; the killed stack's own lock folder is gone.
      expect(await readdir(dirname(locks))).not.toContain('killed');
      await expect(readdir(locks)).rejects.toThrow();
      expect(await readFile(marker, 'utf8')).toBe('created beta\n');
    } finally {
      await worker.kill();
    }
  }, 420_000);
});
