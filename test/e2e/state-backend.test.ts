import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../core/auth/tokens';
import { insertRun } from '../../core/db/repos/runs';
import { findStateLock, tryLockState } from '../../core/db/repos/state-locks';
import { insertToken } from '../../core/db/repos/tokens';
import { findWorkspaceById, type WorkspaceRow } from '../../core/db/repos/workspaces';
import { terraformBinary, tofuBinary } from '../harness/cli-tools';
import { clientFor, type CallInit } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { runTerraformCli, writeConfig } from '../harness/terraform-cli';
import { addMember, createOrg, createUser, json, signIn, userToken } from '../identity/session-helpers';

// A user's own `tofu` against a workspace's http state backend, over HTTPS with a throw-away CA: state versions
// (sealed in PostgreSQL), serial and lineage checks, the LOCK/UNLOCK protocol with 423 and the holder's lock info,
// force-unlock, rollback, and who may do what.

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let tofu: string;
let work: string;
const tokens = {} as Record<'owner' | 'admin' | 'publisher' | 'reader' | 'outsider', string>;
let infra: WorkspaceRow;

const ORG = 'acme-state';
const statePath = (ws = 'infra', org = ORG) => `/api/v1/orgs/${org}/workspaces/${ws}/state`;
// Canary names: stored state must never show them in PostgreSQL.
const CANARY = 'strata_canary_resource';

/** A workspace made through the API by the organisation's owner, as its row. */
async function workspace(org: string, name: string, token = org === ORG ? tokens.owner : tokens.outsider): Promise<WorkspaceRow> {
  const res = await call(`/api/v1/orgs/${org}/workspaces`, as(token, { method: 'POST', headers: json, body: JSON.stringify({ name }) }));
  expect(res.status, res.body.toString()).toBe(201);
  return (await findWorkspaceById(platform.db, res.json().id))!;
}

beforeAll(async () => {
  [platform, tofu] = await Promise.all([startPlatform({ tls: true }), tofuBinary()]);
  call = clientFor(platform);
  work = await mkdtemp(join(tmpdir(), 'strata-state-'));
  const people = await Promise.all((['owner', 'admin', 'publisher', 'reader', 'outsider'] as const).map((r) => createUser(call, `${r}@state.test`)));
  for (const [i, r] of (['owner', 'admin', 'publisher', 'reader', 'outsider'] as const).entries()) {
    tokens[r] = await userToken(call, await signIn(call, people[i]!.email, people[i]!.password));
  }
  await createOrg(call, tokens.owner, ORG);
  for (const r of ['admin', 'publisher', 'reader'] as const) await addMember(call, tokens.owner, ORG, `${r}@state.test`, r);
  await createOrg(call, tokens.outsider, 'other-state');
  infra = await workspace(ORG, 'infra');
  await workspace('other-state', 'infra');
}, 900_000);

afterAll(async () => {
  await platform?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const config = (input: string, ws = 'infra') => {
  const address = `${platform.url}${statePath(ws)}`;
  return {
    'main.tf':
      `terraform {\n  backend "http" {\n    address        = "${address}"\n    lock_address   = "${address}/lock"\n    unlock_address = "${address}/lock"\n  }\n}\n\n` +
      `resource "terraform_data" "${CANARY}" {\n  input = "${input}"\n}\n\noutput "input" {\n  value = terraform_data.${CANARY}.output\n}\n`,
  };
};

/** The user's own tofu, with an API token as the http backend's basic-auth password (any username). */
function cli(dir: string, args: string[], token = tokens.publisher) {
  return runTerraformCli({ bin: tofu, args, cwd: dir, cliConfig: '', caFile: platform.certificates!.caFile, env: { TF_HTTP_USERNAME: 'strata', TF_HTTP_PASSWORD: token } });
}

async function ok(dir: string, args: string[], token?: string) {
  const run = await cli(dir, [...args, '-no-color'], token);
  expect(run.code, `tofu ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
  return run;
}

const as = (token: string | null, init: CallInit = {}) => ({ ...init, token });
const versions = async () => (await call(`${statePath()}/versions`, as(tokens.reader))).json().items as { id: string; serial: number; resources: number; restoredFrom: string | null; createdBy: string }[];
const currentState = async () => {
  const res = await call(statePath(), as(tokens.publisher));
  expect(res.status, res.body.toString()).toBe(200);
  return JSON.parse(res.body.toString()) as { serial: number; lineage: string; [k: string]: unknown };
};
const postState = (body: unknown, token = tokens.publisher, query = '') =>
  call(`${statePath()}${query}`, as(token, { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) }));
const lockInfo = (id: string, who = 'alice@workstation') => ({ ID: id, Operation: 'OperationTypeApply', Info: '', Who: who, Version: '1.10.6', Created: new Date().toISOString(), Path: '' });

describe('the http state backend with a real tofu', () => {
  const dir = () => join(work, 'own');

  it('stores the state of a user\'s own init/apply as versions, and a second apply increments the serial', async () => {
    expect((await call(statePath(), as(tokens.publisher))).status).toBe(404);
    await writeConfig(dir(), config('first'));
    await ok(dir(), ['init']);
    await ok(dir(), ['apply', '-auto-approve']);
    const first = await versions();
    expect(first.length).toBeGreaterThanOrEqual(1);
    expect(first[0]).toMatchObject({ resources: 1, restoredFrom: null, createdBy: expect.stringContaining('publisher@state.test') });

    await writeConfig(dir(), config('second'));
    await ok(dir(), ['apply', '-auto-approve']);
    const second = await versions();
    expect(second[0]!.serial).toBeGreaterThan(first[0]!.serial);
    expect((await currentState()).serial).toBe(second[0]!.serial);
    const out = JSON.parse((await ok(dir(), ['output', '-json'])).stdout.replace(/^[^{]*/, '')) as Record<string, { value: string }>;
    expect(out.input?.value).toBe('second');

    // The diff names the changed attributes, never their values.
    const diff = await call(`${statePath()}/versions/${second[0]!.id}/diff?against=${first[0]!.id}`, as(tokens.reader));
    expect(diff.status, diff.body.toString()).toBe(200);
    expect(diff.json()).toMatchObject({ added: [], removed: [], changed: [{ address: `terraform_data.${CANARY}`, attributes: ['input.value', 'output.value'] }], outputs: { changed: ['input'] } });
    expect(diff.body.toString()).not.toMatch(/first|second/);
  });

  it('keeps every version sealed in PostgreSQL: no plaintext of the state in the rows', async () => {
    const rows = await platform.db.raw<{ rows: { row: string }[] }>('SELECT row_to_json(s)::text AS row FROM state_versions s WHERE workspace_id = ?', [infra.id]);
    expect(rows.rows.length).toBeGreaterThanOrEqual(2);
    for (const { row } of rows.rows) {
      expect(row).not.toContain(CANARY);
      expect(row).not.toContain('terraform_data');
      expect(row).toContain('"ct"');
    }
    // …while the API answers the content to those who may read it.
    const first = (await versions()).at(-1)!;
    const content = await call(`${statePath()}/versions/${first.id}`, as(tokens.publisher));
    expect(content.status).toBe(200);
    expect(content.body.toString()).toContain(CANARY);
  });

  it('refuses a competing lock with 423 and the holder\'s lock info, which tofu shows; tofu force-unlock releases it', async () => {
    const taken = await call(`${statePath()}/lock`, as(tokens.admin, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('held-by-alice')) }));
    expect(taken.status, taken.body.toString()).toBe(200);
    const competing = await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('someone-else', 'bob')) }));
    expect(competing.status).toBe(423);
    expect(competing.json()).toMatchObject({ ID: 'held-by-alice', Who: 'alice@workstation', Operation: 'OperationTypeApply', error: { code: 'state_locked' } });
    expect((await call(`${statePath()}/lock`, as(tokens.reader))).json()).toMatchObject({ locked: true, lock: { id: 'held-by-alice', runId: null } });

    const plan = await cli(dir(), ['plan', '-no-color', '-lock-timeout=0s']);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toMatch(/Error acquiring the state lock/);
    expect(plan.stderr).toContain('held-by-alice');
    expect(plan.stderr).toContain('alice@workstation');

    // While locked, a write must name the lock.
    const state = await currentState();
    const locked = await postState({ ...state, serial: state.serial + 1 });
    expect(locked.status).toBe(423);
    expect(locked.json()).toMatchObject({ ID: 'held-by-alice', error: { code: 'state_locked' } });
    const wrongId = await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'UNLOCK', headers: json, body: JSON.stringify({ ID: 'not-the-holder' }) }));
    expect(wrongId.status).toBe(423);

    await ok(dir(), ['force-unlock', '-force', 'held-by-alice']);
    expect((await call(`${statePath()}/lock`, as(tokens.reader))).json()).toEqual({ locked: false, lock: null });
    // A retried UNLOCK of a released lock is harmless.
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'UNLOCK', headers: json, body: JSON.stringify({ ID: 'held-by-alice' }) }))).status).toBe(200);
  });

  it('lets a workspace admin force-unlock, and refuses a reader and a publisher', async () => {
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'POST', headers: json, body: JSON.stringify(lockInfo('stuck')) }))).status).toBe(200);
    expect((await call(`${statePath()}/lock?force=true`, as(tokens.reader, { method: 'DELETE' }))).status).toBe(403);
    expect((await call(`${statePath()}/lock?force=true`, as(tokens.publisher, { method: 'UNLOCK' }))).status).toBe(403);
    const forced = await call(`${statePath()}/lock?force=true`, as(tokens.admin, { method: 'DELETE' }));
    expect(forced.status, forced.body.toString()).toBe(200);
    expect(forced.json()).toEqual({ locked: false, lock: null });
    const audit = await platform.db('audit_log').where({ action: 'state.force_unlock' }).first();
    expect(audit).toMatchObject({ result: 'success', target: `${ORG}/infra`, actor_label: expect.stringContaining('admin@state.test') });
    expect(audit.details).toMatchObject({ lockId: 'stuck' });
  });

  it('refuses a stale serial and a foreign lineage with 409, and takes the same bytes again as a no-op', async () => {
    const res = await call(statePath(), as(tokens.publisher));
    const state = JSON.parse(res.body.toString()) as { serial: number; lineage: string; resources: unknown[] };
    const before = (await versions()).length;

    const same = await call(statePath(), as(tokens.publisher, { method: 'POST', headers: json, body: res.body }));
    expect(same.status, same.body.toString()).toBe(200);
    const stale = await postState({ ...state, serial: state.serial, resources: [] });
    expect(stale.status).toBe(409);
    expect(stale.json().error.code).toBe('state_serial_stale');
    const older = await postState({ ...state, serial: state.serial - 1 });
    expect(older.json().error.code).toBe('state_serial_stale');
    const foreign = await postState({ ...state, serial: state.serial + 1, lineage: '7d3e8c1a-0000-4000-8000-000000000000' });
    expect(foreign.status).toBe(409);
    expect(foreign.json().error.code).toBe('state_lineage_mismatch');
    const notState = await postState({ hello: 'world' });
    expect(notState.status).toBe(400);
    expect(notState.json().error.code).toBe('state_invalid');
    expect((await versions()).length).toBe(before);
  });

  it('rolls back to an earlier version as a new version, and tofu plan sees it', async () => {
    const all = await versions();
    const first = all.at(-1)!;
    const current = all[0]!;
    expect((await call(`${statePath()}/versions/${first.id}/restore`, as(tokens.publisher, { method: 'POST' }))).status).toBe(403);

    // Not while someone holds the lock.
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('busy')) }))).status).toBe(200);
    const refused = await call(`${statePath()}/versions/${first.id}/restore`, as(tokens.admin, { method: 'POST' }));
    expect(refused.status).toBe(423);
    expect(refused.json()).toMatchObject({ ID: 'busy', error: { code: 'state_locked' } });
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'UNLOCK', headers: json, body: JSON.stringify({ ID: 'busy' }) }))).status).toBe(200);

    const restored = await call(`${statePath()}/versions/${first.id}/restore`, as(tokens.admin, { method: 'POST' }));
    expect(restored.status, restored.body.toString()).toBe(201);
    expect(restored.json()).toMatchObject({ serial: current.serial + 1, restoredFrom: first.id });
    expect((await currentState()).serial).toBe(current.serial + 1);

    // The state now says "first" again while the configuration says "second": tofu plans the change back.
    const plan = await cli(dir(), ['plan', '-no-color', '-detailed-exitcode']);
    expect(plan.code, `${plan.stdout}\n${plan.stderr}`).toBe(2);
    expect(plan.stdout).toMatch(/"first" -> "second"/);
    // …and applying it writes above the restored serial.
    await ok(dir(), ['apply', '-auto-approve']);
    expect((await currentState()).serial).toBe(current.serial + 2);
    const actions = (await platform.db('audit_log').where({ target: `${ORG}/infra` }).andWhereLike('action', 'state.%').select('action')).map((r: { action: string }) => r.action);
    expect(new Set(actions)).toEqual(new Set(['state.store', 'state.lock', 'state.unlock', 'state.force_unlock', 'state.restore']));
  });
});

describe('the http state backend with the terraform on PATH', () => {
  it('stores its applies as versions and shows it the holder of a competing lock', async () => {
    await workspace(ORG, 'tf-infra');
    const bin = await terraformBinary();
    const dir = join(work, 'terraform');
    await writeConfig(dir, config('from terraform', 'tf-infra'));
    const run = (args: string[]) =>
      runTerraformCli({ bin, args: [...args, '-no-color'], cwd: dir, cliConfig: '', caFile: platform.certificates!.caFile, env: { TF_HTTP_USERNAME: 'strata', TF_HTTP_PASSWORD: tokens.publisher } });
    for (const args of [['init'], ['apply', '-auto-approve']]) {
      const r = await run(args);
      expect(r.code, `terraform ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    }
    const listed = (await call(`${statePath('tf-infra')}/versions`, as(tokens.reader))).json().items as { serial: number; resources: number }[];
    expect(listed[0]).toMatchObject({ resources: 1 });
    const lockUrl = `${statePath('tf-infra')}/lock`;
    expect((await call(lockUrl, as(tokens.admin, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('held-for-terraform', 'carol')) }))).status).toBe(200);
    const plan = await run(['plan', '-lock-timeout=0s']);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toContain('held-for-terraform');
    expect((await call(`${lockUrl}?force=true`, as(tokens.admin, { method: 'DELETE' }))).status).toBe(200);
    expect((await run(['plan', '-detailed-exitcode'])).code).toBe(0);
  });
});

describe('who may read and write state', () => {
  it('lets a reader list versions but neither read content nor write', async () => {
    expect((await call(`${statePath()}/versions`, as(tokens.reader))).status).toBe(200);
    expect((await call(statePath(), as(tokens.reader))).status).toBe(403);
    const state = await currentState();
    const write = await postState({ ...state, serial: state.serial + 1 }, tokens.reader);
    expect(write.status).toBe(403);
    const lock = await call(`${statePath()}/lock`, as(tokens.reader, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('reader-lock')) }));
    expect(lock.status).toBe(403);
  });

  it("answers another organisation's workspace as missing, and a wrong basic-auth token as unauthenticated", async () => {
    const other = await call(statePath('infra', 'other-state'), as(tokens.owner));
    expect(other.status).toBe(404);
    expect((await call(statePath('nothing'), as(tokens.owner))).status).toBe(404);
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}` });
    expect((await call(statePath(), { token: null, headers: basic('strata_not-a-token') })).status).toBe(401);
    expect((await call(statePath(), { token: null, headers: basic(tokens.publisher) })).status).toBe(200);
  });

  it('a tofu with a reader token cannot apply', async () => {
    const dir = join(work, 'reader');
    await writeConfig(dir, config('third'));
    await cli(dir, ['init', '-no-color'], tokens.reader);
    const apply = await cli(dir, ['apply', '-auto-approve', '-no-color'], tokens.reader);
    expect(apply.code).not.toBe(0);
    expect(apply.stderr).toMatch(/invalid auth|403/);
  });
});

describe('bad input', () => {
  it('answers 4xx and stores nothing: concurrent writes of one serial, bad checksums, ids and lock info', async () => {
    const before = await versions();
    const state = await currentState();
    // Two engines racing with the same next serial: one version lands, the other is stale.
    const raced = await Promise.all(['a', 'b'].map((tag) => postState({ ...state, serial: state.serial + 1, check_results: tag })));
    expect(raced.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await versions()).length).toBe(before.length + 1);

    const body = JSON.stringify({ ...state, serial: state.serial + 2 });
    const md5 = await call(statePath(), as(tokens.publisher, { method: 'POST', headers: { ...json, 'content-md5': Buffer.alloc(16).toString('base64') }, body }));
    expect(md5.status).toBe(400);
    expect(md5.json().error.code).toBe('state_checksum_mismatch');
    expect((await postState({ ...state, serial: 2 ** 60 })).json().error.code).toBe('state_invalid');
    expect((await call(statePath(), as(tokens.publisher, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }))).status).toBe(415);
    expect((await call(`${statePath()}/versions/not-a-uuid`, as(tokens.publisher))).status).toBe(400);
    expect((await call(`${statePath()}/versions/${before[0]!.id}/diff`, as(tokens.reader))).status).toBe(400);
    const nul = await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'LOCK', headers: json, body: JSON.stringify({ ID: 'x\u0000y' }) }));
    expect(nul.status).toBe(400);
    const badTime = await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'LOCK', headers: json, body: JSON.stringify({ ID: 'x', Created: 'yesterday' }) }));
    expect(badTime.status).toBe(400);
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'UNLOCK' }))).json().error.code).toBe('lock_id_required');
    // Custom methods elsewhere stay unknown.
    expect((await call(statePath(), as(tokens.publisher, { method: 'LOCK' }))).status).toBe(405);
    expect((await call(`${statePath()}/lock`, as(tokens.reader))).json()).toEqual({ locked: false, lock: null });
    expect((await versions()).length).toBe(before.length + 1);
  });
});

describe("a run's own token", () => {
  it('writes only while its run holds the lock; its LOCK and UNLOCK leave the run\'s lock to the workflow', async () => {
    const run = await insertRun(platform.db, { workspace_id: infra.id, org_id: infra.org_id, operation: 'apply', refresh_only: false, configuration_id: null, trigger: 'api', created_by: null, created_by_label: null });
    const { token, prefix, hash } = generateToken();
    await insertToken(platform.db, { name: `run ${run.id} apply`, prefix, tokenHash: hash, scopes: ['read'], runId: run.id });
    const state = await currentState();

    const unlocked = await postState({ ...state, serial: state.serial + 1 }, token);
    expect(unlocked.status).toBe(409);
    expect(unlocked.json().error.code).toBe('state_lock_required');

    // As the run workflow takes it (activities/runs/run-activities.ts).
    const runLock = `run:${run.id}`;
    expect(await tryLockState(platform.db, { workspaceId: infra.id, runId: run.id, info: { ID: runLock, Who: 'strata' } })).toBeNull();
    // The engine inside the run locks and unlocks as usual: the run's lock stays.
    expect((await call(`${statePath()}/lock`, as(token, { method: 'LOCK', headers: json, body: JSON.stringify(lockInfo('engine-lock')) }))).status).toBe(200);
    const written = await postState({ ...state, serial: state.serial + 1 }, token);
    expect(written.status, written.body.toString()).toBe(201);
    expect(written.json()).toMatchObject({ runId: run.id, createdBy: `run ${run.id}` });
    expect((await call(`${statePath()}/lock`, as(token, { method: 'UNLOCK', headers: json, body: JSON.stringify({ ID: 'engine-lock' }) }))).status).toBe(200);
    expect((await call(`${statePath()}/lock`, as(tokens.reader))).json()).toMatchObject({ locked: true, lock: { id: runLock, runId: run.id } });

    // Others cannot write, nor release the run's lock with its ID; an admin can force it.
    expect((await postState({ ...state, serial: state.serial + 2 }, tokens.publisher)).status).toBe(423);
    expect((await call(`${statePath()}/lock`, as(tokens.publisher, { method: 'UNLOCK', headers: json, body: JSON.stringify({ ID: runLock }) }))).status).toBe(423);
    expect((await call(`${statePath()}/lock?force=true`, as(token, { method: 'DELETE' }))).status).toBe(404);
    expect((await call(`${statePath()}/lock?force=true`, as(tokens.admin, { method: 'DELETE' }))).status).toBe(200);
    expect(await findStateLock(platform.db, infra.id)).toBeUndefined();
    // A run's token reaches no other workspace.
    expect((await call(statePath('infra', 'other-state'), as(token))).status).toBe(404);
  });
});
