import { spawn, type ChildProcess } from 'node:child_process';
import type { Platform } from '../harness/platform';

/**
 * A real worker process (`temporal/worker.ts`, what production runs) on the platform's database, Temporal namespace,
 * task queue and data directory, for tests that kill it with SIGKILL mid-run.
 */
export async function startWorkerProcess(platform: Platform, env: Record<string, string>): Promise<{ pid: number; kill(): Promise<void> }> {
  const c = platform.config;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'temporal/worker.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      STRATA_PUBLIC_URL: c.publicUrl,
      STRATA_DATA_DIR: c.dataDir,
      STRATA_SIGNING_SECRET: c.signingSecret!,
      DATABASE_URL: platform.databaseUrl,
      TEMPORAL_ADDRESS: c.temporal.address!,
      TEMPORAL_NAMESPACE: c.temporal.namespace,
      STRATA_TASK_QUEUE: c.temporal.taskQueue,
      ...(c.runs.caFile ? { STRATA_ENGINE_CA_FILE: c.runs.caFile } : {}),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer) => {
      output = (output + c.toString()).slice(-8000);
      if (output.includes('Strata worker running')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the worker exited with ${code}: ${output}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    await ready;
  } finally {
    clearTimeout(timer);
  }
  child.removeAllListeners('exit');
  return {
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
