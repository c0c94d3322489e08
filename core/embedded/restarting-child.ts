import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../log';

/**
 * Keeps one child process running: when it dies (crash, out of memory, kill -9) it is started again after an
 * exponential backoff (`minDelayMs` doubling up to `maxDelayMs`), and the backoff starts over once a child has
 * stayed up for `stableMs`. `stop()` ends it for good.
 */
export class RestartingChild {
  private child: ChildProcess | null = null;
  private startedAt = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** How many times the child was started again after dying. */
  restarts = 0;

  constructor(
    private readonly options: {
      name: string;
      spawn: () => ChildProcess;
      log: Logger;
      minDelayMs?: number;
      maxDelayMs?: number;
      stableMs?: number;
    },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.stopped) return;
    const child = this.options.spawn();
    this.child = child;
    this.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopped || child !== this.child) return;
    this.child = null;
    if (Date.now() - this.startedAt >= (this.options.stableMs ?? 60_000)) this.failures = 0;
    const min = this.options.minDelayMs ?? 1_000;
    const delay = Math.min(this.options.maxDelayMs ?? 30_000, min * 2 ** this.failures);
    this.failures++;
    this.options.log.error({ code, signal, restartInMs: delay }, `the ${this.options.name} stopped unexpectedly; starting it again`);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.restarts++;
      this.start();
    }, delay);
  }

  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`) and never restarts it. */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(kill);
  }
}
