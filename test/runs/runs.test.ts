import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tofuBinary } from '../harness/cli-tools';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';
import { configurationArchive, createWorkspace, startRun, uploadConfiguration, waitForRun } from './run-helpers';

// Real tofu plans and applies through the run workflow, on the real Temporal server and PostgreSQL, with Strata
// as the state backend and the only registry.
let platform: Platform;
let call: ReturnType<typeof clientFor>;
let work: string;
let admin: string;
let reader: string;
const ORG = 'acme-runs';

const config = (marker: string) => ({
  'main.tf': `
variable "marker" {
  type = string
}
variable "secret" {
  type      = string
  sensitive = true
}
resource "terraform_data" "thing" {
  input = var.marker
  provisioner "local-exec" {
    command = "echo applied >> \${var.marker}"
  }
}
output "thing_id" {
  value = terraform_data.thing.id
}
output "secret_out" {
  value     = var.secret
  sensitive = true
}
`,
  'marker.txt': marker,
});

beforeAll(async () => {
  platform = await startPlatform({ tls: true, env: { STRATA_TOFU_BIN: await tofuBinary() } });
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-runs-'));
  const [a, r] = await Promise.all([createUser(call, 'approver@runs.test'), createUser(call, 'reader@runs.test')]);
  admin = await userToken(call, await signIn(call, a.email, a.password));
  reader = await userToken(call, await signIn(call, r.email, r.password));
  await createOrg(call, admin, ORG);
  await addMember(call, admin, ORG, r.email, 'reader');
}, 300_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('runs', () => {
  it('plans a configuration speculatively: summary, resource changes, logs, no approval asked', async () => {
    const marker = join(work, 'speculative.log');
    await createWorkspace(call, admin, ORG, {
      name: 'spec',
      environment: 'production',
      variables: [
        { key: 'marker', value: marker, category: 'terraform' },
        { key: 'secret', value: 'hunter2-very-secret', category: 'terraform', sensitive: true },
      ],
    });
    expect((await uploadConfiguration(call, admin, ORG, 'spec', await configurationArchive(config(marker)))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'spec', { operation: 'plan' });
    expect(run.workflowId).toBe(`run:${run.id}`);
    const done = await waitForRun(call, admin, run.id, ['planned', 'planned_no_changes', 'errored']);
    expect(done.status, JSON.stringify(done)).toBe('planned');
    expect(done.plan).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(done.resourceChanges).toEqual([{ address: 'terraform_data.thing', actions: ['create'] }]);
    const logs = (await call(`/api/v1/runs/${run.id}/logs?phase=plan`, { token: admin })).body.toString();
    expect(logs).toContain('Plan: 1 to add');
    expect(logs).not.toContain('hunter2-very-secret');
    const search = (await call(`/api/v1/runs/${run.id}/logs/search?q=${encodeURIComponent('to add')}`, { token: reader })).json();
    expect(search.items.length).toBeGreaterThan(0);
    await expect(readFile(marker, 'utf8')).rejects.toThrow();
  }, 180_000);
});

describe('plan, approval, apply', () => {
  it('applies exactly once after approval: a reader cannot approve, a double submit and a second approval apply nothing more', async () => {
    const marker = join(work, 'approved.log');
    await createWorkspace(call, admin, ORG, {
      name: 'net',
      environment: 'production',
      variables: [
        { key: 'marker', value: marker, category: 'terraform' },
        { key: 'secret', value: 'hunter2-very-secret', category: 'terraform', sensitive: true },
      ],
    });
    expect((await uploadConfiguration(call, admin, ORG, 'net', await configurationArchive(config(marker)))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'net', { operation: 'apply' });
    const waiting = await waitForRun(call, admin, run.id, ['awaiting_approval', 'errored']);
    expect(waiting.status, JSON.stringify(waiting)).toBe('awaiting_approval');
    expect(waiting.plan).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(waiting.canApprove).toBe(true);
    expect((await call(`/api/v1/runs/${run.id}`, { token: reader })).json().canApprove).toBe(false);
    // The state is locked by the run from plan to apply.
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/net`, { token: admin })).json().locked).toBe(true);

    const denied = await call(`/api/v1/runs/${run.id}/approve`, { method: 'POST', token: reader, headers: json, body: '{}' });
    expect(denied.status).toBe(403);
    expect(denied.json().error.code).toBe('not_an_approver');
    // A double submit: both answers agree, one approval is recorded.
    const approve = () => call(`/api/v1/runs/${run.id}/approve`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ comment: 'looks right' }) });
    const [first, second] = await Promise.all([approve(), approve()]);
    expect([first.status, second.status].sort()).toEqual([202, 202]);
    const applied = await waitForRun(call, admin, run.id, ['applied', 'errored']);
    expect(applied.status, JSON.stringify(applied)).toBe('applied');
    expect(applied.approvals).toEqual([expect.objectContaining({ user: 'approver@runs.test', decision: 'approve', comment: 'looks right' })]);
    expect(applied.outputs.thing_id.value).toEqual(expect.any(String));
    expect(applied.outputs.secret_out).toEqual({ value: null, sensitive: true });
    // A late approval changes nothing.
    expect((await approve()).status).toBe(409);
    expect((await readFile(marker, 'utf8')).trim().split('\n')).toEqual(['applied']);

    const logs = (await call(`/api/v1/runs/${run.id}/logs?phase=apply`, { token: admin })).body.toString();
    expect(logs).toContain('Apply complete! Resources: 1 added');
    expect(JSON.stringify(applied)).not.toContain('hunter2-very-secret');
    expect((await call(`/api/v1/runs/${run.id}/logs`, { token: admin })).body.toString()).not.toContain('hunter2-very-secret');
    // The state landed in Strata's backend, sealed, and the lock is gone.
    const ws = (await call(`/api/v1/orgs/${ORG}/workspaces/net`, { token: admin })).json();
    expect(ws.locked).toBe(false);
    const versions = (await platform.db('state_versions').where({ workspace_id: ws.id })) as { sealed: unknown }[];
    expect(versions.length).toBeGreaterThan(0);
    expect(JSON.stringify(versions)).not.toContain('terraform_data');

    // The Temporal UI finds the run under its business ID with its search attributes.
    const described = await platform.temporal.workflow.getHandle(`run:${run.id}`).describe();
    expect(described.searchAttributes).toMatchObject({ StrataKind: ['run'], StrataOrg: [ORG], StrataWorkspace: ['net'] });
  }, 240_000);

  it('discards a run waiting for approval and releases the lock', async () => {
    const run = await startRun(call, admin, ORG, 'net', { operation: 'destroy' });
    const waiting = await waitForRun(call, admin, run.id, ['awaiting_approval', 'errored']);
    expect(waiting.plan).toEqual({ add: 0, change: 0, destroy: 1 });
    const discarded = await call(`/api/v1/runs/${run.id}/discard`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ comment: 'not today' }) });
    expect(discarded.status, discarded.body.toString()).toBe(202);
    expect((await waitForRun(call, admin, run.id, ['discarded'])).status).toBe('discarded');
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/net`, { token: admin })).json().locked).toBe(false);
  }, 180_000);
});

describe('cancel and drift', () => {
  it('cancels a run waiting for approval: canceled, lock released, nothing applied', async () => {
    const run = await startRun(call, admin, ORG, 'net', { operation: 'destroy' });
    await waitForRun(call, admin, run.id, ['awaiting_approval']);
    const res = await call(`/api/v1/runs/${run.id}/cancel`, { method: 'POST', token: admin });
    expect(res.status, res.body.toString()).toBe(202);
    const done = await waitForRun(call, admin, run.id, ['canceled']);
    expect(done.error).toContain('canceled');
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/net`, { token: admin })).json().locked).toBe(false);
    expect((await call(`/api/v1/runs/${run.id}/cancel`, { method: 'POST', token: admin })).status).toBe(409);
  }, 180_000);

  it('checks drift on the workspace schedule with a refresh-only plan and records the result', async () => {
    const patched = await call(`/api/v1/orgs/${ORG}/workspaces/net`, { method: 'PATCH', token: admin, headers: json, body: JSON.stringify({ driftIntervalMinutes: 60 }) });
    expect(patched.status, patched.body.toString()).toBe(200);
    const schedule = platform.temporal.schedule.getHandle(`drift:${patched.json().id}`);
    expect((await schedule.describe()).spec.intervals?.[0]?.every).toBe(3_600_000);
    await schedule.trigger();
    const deadline = Date.now() + 120_000;
    let ws = patched.json();
    while (ws.drift.status === 'unknown' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      ws = (await call(`/api/v1/orgs/${ORG}/workspaces/net`, { token: admin })).json();
    }
    expect(ws.drift).toMatchObject({ status: 'in_sync', resources: [] });
    const runs = (await call(`/api/v1/orgs/${ORG}/workspaces/net/runs`, { token: admin })).json().items as { trigger: string; refreshOnly: boolean; status: string }[];
    expect(runs.find((r) => r.trigger === 'drift')).toMatchObject({ refreshOnly: true, status: 'planned_no_changes' });
    // Turning it off removes the schedule.
    await call(`/api/v1/orgs/${ORG}/workspaces/net`, { method: 'PATCH', token: admin, headers: json, body: JSON.stringify({ driftIntervalMinutes: null }) });
    await expect(schedule.describe()).rejects.toThrow();
  }, 180_000);
});

describe('bad input is refused with a clear 4xx and leaves nothing behind', () => {
  const configurations = async (ws: string) => (await platform.db('configuration_versions').join('workspaces', 'workspaces.id', 'configuration_versions.workspace_id').where('workspaces.name', ws).count<{ count: string }[]>('* as count'))[0]!.count;

  it('refuses a configuration that does not parse, a tar with .. paths, and an archive with no .tf files', async () => {
    await createWorkspace(call, admin, ORG, { name: 'bad-input' });
    const broken = await uploadConfiguration(call, admin, ORG, 'bad-input', await configurationArchive({ 'main.tf': 'resource "terraform_data" "x" {\n  input = \n' }));
    expect(broken.status, broken.body.toString()).toBe(422);
    expect(broken.json().error.code).toBe('configuration_invalid');
    expect(broken.json().error.message).toContain('main.tf');
    const slip = await uploadConfiguration(call, admin, ORG, 'bad-input', await configurationArchive({ '../escape.tf': 'output "x" { value = 1 }\n', 'main.tf': '' }));
    expect(slip.status, slip.body.toString()).toBe(422);
    expect(slip.json().error.code).toBe('archive_path_traversal');
    const empty = await uploadConfiguration(call, admin, ORG, 'bad-input', await configurationArchive({ 'README.md': 'nothing here' }));
    expect(empty.status, empty.body.toString()).toBe(400);
    expect(await configurations('bad-input')).toBe('0');
    // A run of a workspace with no configuration is refused before anything is queued.
    const run = await call(`/api/v1/orgs/${ORG}/workspaces/bad-input/runs`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ operation: 'apply' }) });
    expect(run.status).toBe(400);
    expect(run.json().error.code).toBe('configuration_missing');
    expect((await platform.db('runs').join('workspaces', 'workspaces.id', 'runs.workspace_id').where('workspaces.name', 'bad-input').count<{ count: string }[]>('* as count'))[0]!.count).toBe('0');
    // Nothing staged stays behind either (counting what a sweep would delete now).
    expect(await platform.storage.deleteOlderThan('staging/', new Date(Date.now() + 60_000))).toBe(0);
  });

  it('answers an unknown workspace and another organisation’s workspace and run as missing; a reader cannot create or run', async () => {
    const unknown = await call(`/api/v1/orgs/${ORG}/workspaces/nope/runs`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ operation: 'plan' }) });
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe('workspace_not_found');
    const o = await createUser(call, 'outsider@runs.test');
    const outsider = await userToken(call, await signIn(call, o.email, o.password));
    await createOrg(call, outsider, 'other-runs');
    const foreign = await call(`/api/v1/orgs/${ORG}/workspaces/spec/runs`, { method: 'POST', token: outsider, headers: json, body: JSON.stringify({ operation: 'plan' }) });
    expect(foreign.status).toBe(404);
    const anyRun = (await platform.db('runs').first('id')) as { id: string };
    expect((await call(`/api/v1/runs/${anyRun.id}`, { token: outsider })).status).toBe(404);
    expect((await call(`/api/v1/runs/${anyRun.id}/approve`, { method: 'POST', token: outsider, headers: json, body: '{}' })).status).toBe(404);
    const byReader = await call(`/api/v1/orgs/${ORG}/workspaces`, { method: 'POST', token: reader, headers: json, body: JSON.stringify({ name: 'readers-ws' }) });
    expect(byReader.status).toBe(403);
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/spec/runs`, { method: 'POST', token: reader, headers: json, body: JSON.stringify({ operation: 'plan' }) })).status).toBe(403);
  });

  it('ends a run in errored, lock released, when the worker has no engine of the version the workspace asks for', async () => {
    await createWorkspace(call, admin, ORG, { name: 'old-engine', engineVersion: '~> 0.1.0' });
    expect((await uploadConfiguration(call, admin, ORG, 'old-engine', await configurationArchive({ 'main.tf': 'output "x" { value = 1 }\n' }))).status).toBe(201);
    const run = await startRun(call, admin, ORG, 'old-engine', { operation: 'apply' });
    const done = await waitForRun(call, admin, run.id, ['errored', 'applied', 'awaiting_approval']);
    expect(done.status).toBe('errored');
    expect(done.error).toMatch(/asks for tofu ~> 0\.1\.0, this worker has \d+\.\d+/);
    expect((await call(`/api/v1/orgs/${ORG}/workspaces/old-engine`, { token: admin })).json().locked).toBe(false);
  }, 120_000);

  it('checks required tags and the environment policy when a workspace is created', async () => {
    const policy = await call(`/api/v1/orgs/${ORG}/run-policy`, { method: 'PUT', token: admin, headers: json, body: JSON.stringify({ requiredTags: ['team', 'owner', 'purpose'] }) });
    expect(policy.status, policy.body.toString()).toBe(200);
    const untagged = await call(`/api/v1/orgs/${ORG}/workspaces`, { method: 'POST', token: admin, headers: json, body: JSON.stringify({ name: 'untagged', tags: { team: 'net' } }) });
    expect(untagged.status).toBe(400);
    expect(untagged.json().error.message).toContain('owner, purpose');
    const autoProd = await call(`/api/v1/orgs/${ORG}/workspaces`, {
      method: 'POST',
      token: admin,
      headers: json,
      body: JSON.stringify({ name: 'auto-prod', environment: 'production', autoApply: true, tags: { team: 'net', owner: 'ann', purpose: 'test' } }),
    });
    expect(autoProd.status).toBe(400);
    expect(autoProd.json().error.code).toBe('auto_apply_not_allowed');
    await call(`/api/v1/orgs/${ORG}/run-policy`, { method: 'PUT', token: admin, headers: json, body: JSON.stringify({ requiredTags: [] }) });
  });
});
