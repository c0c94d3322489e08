import { spawn, type ChildProcess } from 'node:child_process';

/** A child process in its own process group, with the tail of its output kept for error messages. */
export interface Child {
  process: ChildProcess;
  /** The last few KiB the child wrote to stdout/stderr. */
  output(): string;
  /** Resolves once the child has exited: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Sends `signal` to the whole group (as Ctrl-C in a terminal does), then SIGKILL after `graceMs`.
   * Resolves true when it stopped on its own within the grace period.
   */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<boolean>;
}

const TAIL = 8 * 1024;

export function spawnChild(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  // Detached: the child leads its own group, so the platform's PostgreSQL and Temporal can be signalled with it.
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-TAIL));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));

  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };

  return {
    process: child,
    output: () => tail,
    exited,
    stop: async (signal, graceMs) => {
      if (!signalGroup(signal)) return true;
      // npx can exit before the program it launched has finished shutting down: wait for the whole group.
      const deadline = Date.now() + graceMs;
      while (Date.now() < deadline) {
        if (exitedYet && !signalGroup(0)) return true;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      signalGroup('SIGKILL');
      await exited;
      return false;
    },
  };
}
