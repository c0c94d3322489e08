import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoModule } from '../fixtures/modules';
import { freePort } from '../harness/ports';

// `npm start` as real processes: the supervisor, its embedded PostgreSQL, Temporal dev server and worker.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'temporal/dev-all.ts');

let dataDir: string;
let env: Record<string, string>;
let apiUrl: string;
/** Every pid seen in a supervisor's tree, so afterAll can kill whatever a failed test left. */
const seen = new Set<number>();
const supervisors: ChildProcess[] = [];

function parentOf(pid: number): number | null {
  try {
    // The command name may hold spaces and parentheses: the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by init) is gone for every purpose here.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** All live descendants of `root`, with their command lines. */
function descendants(root: number): { pid: number; cmd: string }[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (!alive(child)) continue;
      out.push({ pid: child, cmd: commandLine(child) });
      seen.add(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The supervisor's direct children by role. */
function roles(root: number) {
  const tree = descendants(root);
  const find = (pattern: RegExp) => tree.find((p) => parentOf(p.pid) === root && pattern.test(p.cmd))?.pid;
  return { tree, worker: find(/worker\.ts/), temporal: find(/start-dev/), postgres: find(/postgres -D/) };
}

async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs: number): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Starts `npm start`'s entry point and resolves once the API is listening. */
async function startSupervisor(): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  supervisors.push(child);
  seen.add(child.pid!);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor('the API to listen', () => {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output}`);
    return output.includes('Strata API:');
  }, 180_000);
  return { child, output: () => output, exited };
}

async function get(path: string, token?: string) {
  return fetch(`${apiUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
}

async function publish(version: string, token: string) {
  const { bytes } = await writeDemoModule(dataDir, version);
  return fetch(`${apiUrl}/api/v1/modules/acme/demo/aws/${version}?wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/gzip' },
    body: new Uint8Array(bytes),
    signal: AbortSignal.timeout(90_000),
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'strata-supervisor-'));
  // The embedded PostgreSQL runs as `postgres` when tests run as root: it must reach its data dir.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    STRATA_DATA_DIR: dataDir,
    // Suites written for the public registry read anonymously; the identity suites ask for `private`, the default.
    STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'public',
    PORT: String(port),
    HOST: '127.0.0.1',
    STRATA_PUBLIC_URL: apiUrl,
    STRATA_EMBEDDED_PG_PORT: String(await freePort()),
    STRATA_TEMPORAL_PORT: String(await freePort()),
    STRATA_TEMPORAL_UI_PORT: String(await freePort()),
    STRATA_SERVE_WEB: 'false',
    LOG_LEVEL: 'info',
  };
});

afterAll(async () => {
  for (const s of supervisors) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
  await sleep(500);
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm start supervises its processes', () => {
  it('restarts a killed worker while the API keeps serving, and stops cleanly with exit code 0', async () => {
    const run = await startSupervisor();
    const token = (await readFile(join(dataDir, 'bootstrap-token'), 'utf8')).trim();
    // The generated admin token is in its file, never in the log.
    expect(run.output()).not.toContain(token);
    expect(run.output()).toContain(join(dataDir, 'bootstrap-token'));

    const first = await publish('1.0.0', token);
    expect(first.status, await first.clone().text()).toBe(201);
    const before = roles(run.child.pid!);
    expect(before.worker && before.temporal && before.postgres, JSON.stringify(before.tree)).toBeTruthy();

    process.kill(before.worker!, 'SIGKILL');
    // While the worker is down (and restarting), protocol reads and the management API keep answering.
    for (let i = 0; i < 10; i++) {
      const versions = await get('/v1/modules/acme/demo/aws/versions');
      expect(versions.status).toBe(200);
      expect(await versions.json()).toEqual({ modules: [{ versions: [{ version: '1.0.0' }] }] });
      expect((await get('/api/v1/modules/acme/demo/aws')).status).toBe(200);
      await sleep(100);
    }
    const restarted = await waitFor('a new worker', () => {
      const now = roles(run.child.pid!).worker;
      return now && now !== before.worker ? now : null;
    }, 30_000);
    expect(run.output()).toContain('the worker stopped unexpectedly; starting it again');
    const second = await publish('1.1.0', token);
    expect(second.status, await second.clone().text()).toBe(201);

    const tree = roles(run.child.pid!).tree.map((p) => p.pid);
    expect(tree).toContain(restarted);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await waitFor('every child to stop', () => tree.every((pid) => !alive(pid)), 10_000);
    expect(run.output()).not.toMatch(/Channel has been shut down|uncaught/i);
  }, 400_000);

  it('leaves no child behind when the supervisor itself is SIGKILLed, and the next start recovers', async () => {
    const run = await startSupervisor();
    const { tree, postgres, temporal, worker } = roles(run.child.pid!);
    expect(postgres && temporal && worker, JSON.stringify(tree)).toBeTruthy();
    run.child.kill('SIGKILL');
    await run.exited;
    await waitFor('PostgreSQL, Temporal and the worker to stop', () => [postgres!, temporal!, worker!].every((pid) => !alive(pid)), 15_000);
    // The rest of the tree (PostgreSQL's own backends) goes with them.
    await waitFor('the whole tree to stop', () => tree.every((p) => !alive(p.pid)), 15_000);

    const again = await startSupervisor();
    expect((await get('/v1/modules/acme/demo/aws/versions')).status).toBe(200);
    const token = (await readFile(join(dataDir, 'bootstrap-token'), 'utf8')).trim();
    expect((await get('/api/v1/tokens', token)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 400_000);
});
