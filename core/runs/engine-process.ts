import { createInterface } from 'node:readline';
import { spawnBoundChild } from '../embedded/processes';

export interface EngineCommand {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Each output line (stdout and stderr), without its newline. */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborting interrupts the engine gracefully (SIGINT), then kills it after `graceMs`. */
  signal?: AbortSignal;
  graceMs?: number;
}

export class EngineFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'EngineFailed';
  }
}

/**
 * Runs one engine command to its end, streaming its output line by line. Resolves with the exit code 0 or 2
 * (`plan -detailed-exitcode`: changes present); rejects with EngineFailed on any other exit, or with the signal's
 * reason once an abort has stopped it. The child dies with this process (a killed worker leaves no engine behind).
 */
export function runEngine(cmd: EngineCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    // Killed with the worker, however it dies: an engine must never go on applying for a worker that is gone.
    const child = spawnBoundChild(cmd.bin, cmd.args, { cwd: cmd.cwd, env: cmd.env, deathSignal: 'SIGKILL' });
    let killTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), cmd.graceMs ?? 10_000);
    };
    cmd.signal?.addEventListener('abort', onAbort, { once: true });
    const lines = (stream: 'stdout' | 'stderr') => {
      const rl = createInterface({ input: child[stream]!, crlfDelay: Infinity });
      rl.on('line', (l) => cmd.onLine(l, stream));
      return new Promise<void>((r) => rl.once('close', () => r()));
    };
    const drained = Promise.all([lines('stdout'), lines('stderr')]);
    child.once('error', (err) => reject(new EngineFailed(`could not start ${cmd.bin}: ${err.message}`, null)));
    child.once('close', (code, sig) => {
      void drained.then(() => {
        if (killTimer) clearTimeout(killTimer);
        cmd.signal?.removeEventListener('abort', onAbort);
        if (cmd.signal?.aborted) return reject(cmd.signal.reason instanceof Error ? cmd.signal.reason : new Error('canceled'));
        if (code === 0 || code === 2) return resolve(code);
        reject(new EngineFailed(`${cmd.args[0]} failed (${sig ? `signal ${sig}` : `exit code ${code}`})`, code));
      });
    });
  });
}

/** Runs a command and returns its whole stdout (for `show -json`, `output -json`). */
export async function captureEngine(cmd: Omit<EngineCommand, 'onLine'> & { onStderr?: (line: string) => void }): Promise<string> {
  const out: string[] = [];
  await runEngine({ ...cmd, onLine: (l, s) => (s === 'stdout' ? out.push(l) : cmd.onStderr?.(l)) });
  return out.join('\n');
}
