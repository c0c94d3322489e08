import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { signIn, userToken } from './session-helpers';

const BIN = fileURLToPath(new URL('../../cli/bin/strata.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `strata` executable in a child process, with `stdin` piped in, as an operator runs it. */
function strata(env: Record<string, string>, args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

let platform: Platform;
let call: ReturnType<typeof clientFor>;
let admin: Record<string, string>;

beforeAll(async () => {
  platform = await startPlatform({ env: { STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'private' } });
  call = clientFor(platform);
  admin = { STRATA_URL: platform.url, STRATA_TOKEN: platform.token };
});

afterAll(async () => {
  await platform?.close();
});

describe('strata admin create-user (first run)', () => {
  it('creates the first owner of a new organisation with the bootstrap token, who can then sign in and run it', async () => {
    const password = 'the first owner passphrase';
    const run = await strata(admin, ['admin', 'create-user', '--email', 'owner@acme.test', '--name', 'Owner', '--password-stdin', '--org', 'acme'], `${password}\n`);
    expect(run.stderr).toContain('Created user owner@acme.test');
    expect(run.stderr).toContain('Created organisation acme: owner@acme.test is its owner.');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');

    const session = await signIn(call, 'owner@acme.test', password);
    expect(session.res.status).toBe(200);
    const token = await userToken(call, session);
    const me = (await call('/api/v1/me', { token })).json();
    expect(me).toMatchObject({ kind: 'user', platformAdmin: false, organizations: [{ name: 'acme', role: 'owner' }] });
    // The organisation has exactly this owner (the service token that created it is no member).
    const members = (await call('/api/v1/orgs/acme/members', { token })).json().items;
    expect(members.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([['owner@acme.test', 'owner']]);
    // The owner runs the organisation: a namespace of their own.
    const ns = await call('/api/v1/orgs/acme/namespaces', { method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'acme-infra' }) });
    expect(ns.status).toBe(201);
    const audit = (await call('/api/v1/orgs/acme/audit?action=member.add', { token })).json().items;
    expect(audit).toEqual([expect.objectContaining({ target: 'owner@acme.test', details: { role: 'owner' }, actor: expect.objectContaining({ type: 'token' }) })]);
  });

  it('adds a user to an existing organisation with a role, and generates a password when none is given', async () => {
    const run = await strata(admin, ['admin', 'create-user', '--email', 'pub@acme.test', '--name', 'Pub', '--org', 'acme', '--role', 'publisher']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Organisation acme: pub@acme.test is its publisher.');
    const generated = run.stdout.trim();
    expect(generated.length).toBeGreaterThanOrEqual(20);
    expect((await signIn(call, 'pub@acme.test', generated)).res.status).toBe(200);
  });

  it('makes a platform admin, as JSON', async () => {
    const run = await strata(admin, ['admin', 'create-user', '--email', 'ops@acme.test', '--name', 'Ops', '--platform-admin', '--json', '--password-stdin'], 'ops passphrase long enough');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ email: 'ops@acme.test', membership: null });
    expect(out.password).toBeUndefined();
    const session = await signIn(call, 'ops@acme.test', 'ops passphrase long enough');
    expect(session.res.json().user.platformAdmin).toBe(true);
  });

  it('fails clearly: no token, not a platform admin, a duplicate, a weak password, a bad role', async () => {
    const noToken = await strata({ STRATA_URL: platform.url }, ['admin', 'create-user', '--email', 'x@acme.test', '--name', 'X']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('STRATA_TOKEN is not set');

    const ownerToken = await userToken(call, await signIn(call, 'owner@acme.test', 'the first owner passphrase'));
    const notAdmin = await strata({ STRATA_URL: platform.url, STRATA_TOKEN: ownerToken }, ['admin', 'create-user', '--email', 'x@acme.test', '--name', 'X']);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain('HTTP 403');

    const duplicate = await strata(admin, ['admin', 'create-user', '--email', 'owner@acme.test', '--name', 'Again', '--password-stdin'], 'another long passphrase');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('[user_exists, HTTP 409]');

    const weak = await strata(admin, ['admin', 'create-user', '--email', 'weak@acme.test', '--name', 'Weak', '--password-stdin'], 'short');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('[weak_password, HTTP 400]');

    const badRole = await strata(admin, ['admin', 'create-user', '--email', 'y@acme.test', '--name', 'Y', '--org', 'acme', '--role', 'boss']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of');
    const roleWithoutOrg = await strata(admin, ['admin', 'create-user', '--email', 'y@acme.test', '--name', 'Y', '--role', 'admin']);
    expect(roleWithoutOrg.code).toBe(2);
    expect((await call('/api/v1/users')).json().items.map((u: { email: string }) => u.email)).not.toContain('y@acme.test');
  });
});
