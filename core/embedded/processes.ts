import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnvironment } from '../config';

/**
 * Something on the machine keeps Strata from starting, described for the operator: what is in the way and the
 * command that clears it. Printed as is, without a stack trace.
 */
export class StartupBlocked extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupBlocked';
  }
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/**
 * Spawns a child that cannot outlive this process. Node cannot act on its own SIGKILL, so the kernel does it:
 * util-linux `setpriv --pdeathsig` sets PR_SET_PDEATHSIG and then execs the command (no extra process), and the
 * child gets `deathSignal` the moment its parent dies, however it died. `runAs` drops to that user first (the
 * death signal is set after the switch, which would otherwise clear it). Children get a process group of their
 * own, so a terminal's Ctrl-C reaches only the supervisor, which stops them in order.
 * Without setpriv (not Linux), the child is spawned plainly and the next start recovers any orphan.
 */
export function spawnBoundChild(
  command: string,
  args: string[],
  options: { deathSignal: NodeJS.Signals; runAs?: string | null; env?: NodeJS.ProcessEnv; stdio?: SpawnOptions['stdio']; cwd?: string },
): ChildProcess {
  const spawnOptions: SpawnOptions = {
    env: options.env ?? childEnvironment({}),
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
    detached: true,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  if (!SETPRIV) return spawn(command, args, spawnOptions);
  const user = options.runAs ? [`--reuid=${options.runAs}`, `--regid=${options.runAs}`, '--init-groups'] : [];
  return spawn(SETPRIV, [...user, `--pdeathsig=${options.deathSignal.replace(/^SIG/, '')}`, '--', command, ...args], spawnOptions);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or null when it is gone or unreadable (no /proc outside Linux). */
export function commandLineOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Processes whose command line matches, found through /proc (empty outside Linux). */
export function findProcesses(matches: (argv: string[]) => boolean): { pid: number; argv: string[] }[] {
  if (!existsSync('/proc')) return [];
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const argv = commandLineOf(pid);
    if (argv && matches(argv)) found.push({ pid, argv });
  }
  return found;
}

/** Signals a process and waits for it to go, escalating to SIGKILL after `graceMs`. */
export async function stopProcess(pid: number, signal: NodeJS.Signals, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone in between
    }
    while (isAlive(pid) && Date.now() < deadline + 5_000) await sleep(100);
  }
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The process listening on a TCP port, through /proc/net/tcp{,6} and the processes' socket descriptors. */
export function portHolder(port: number): { pid: number; argv: string[] } | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      if (parseInt(cols[1]!.split(':')[1]!, 16) === port) inodes.add(cols[9]!);
    }
  }
  if (inodes.size === 0 || !existsSync('/proc')) return null;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return { pid, argv: commandLineOf(pid) ?? [] };
    }
  }
  return null;
}

/**
 * Refuses to go on when a port Strata needs is taken, naming the process that holds it and how to clear it.
 * @param what the component, e.g. "embedded PostgreSQL"; @param variable the setting that moves it
 */
export async function assertPortFree(port: number, what: string, variable: string): Promise<void> {
  if (await isPortFree(port)) return;
  const holder = portHolder(port);
  const fix = `or choose another port with ${variable}=<port>`;
  if (holder) {
    throw new StartupBlocked(
      `port ${port} (${what}) is in use by process ${holder.pid}: ${holder.argv.join(' ').slice(0, 200)} — stop it with: kill ${holder.pid} — ${fix}`,
    );
  }
  throw new StartupBlocked(`port ${port} (${what}) is in use by another process — find it with: ss -ltnp 'sport = :${port}' — ${fix}`);
}
