import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnBoundChild } from '../../core/embedded/processes';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `npm run build`'s script (without the dashboard) into a directory of its own under `.artifacts/`, so
 * test files building at the same time never overwrite each other's bundles. Inside the repository, so the
 * bundles resolve their packages from its node_modules as in the image.
 */
export async function buildProduction(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = join(root, '.artifacts', `build-${randomBytes(4).toString('hex')}`);
  await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['deploy/build.ts', '--out', dir, '--no-web'], { cwd: root, timeout: 180_000 });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * One production process (`node dist/<entry>.mjs`) as a child bound to the test process (it dies with it, even
 * when the test runner is killed), with its output kept for assertions.
 */
export class StrataProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    bundle: string,
    env: Record<string, string>,
  ) {
    this.child = spawnBoundChild(process.execPath, ['--enable-source-maps', bundle], {
      deathSignal: 'SIGKILL',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      this.output += b.toString('utf8');
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the process has printed `pattern`; rejects when it exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (!this.running) throw new Error(`${this.name} exited before printing ${pattern}:\n${this.output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs` for anything else). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Polls `fn` until it returns a truthy value; returns it, or throws after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
