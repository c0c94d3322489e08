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
