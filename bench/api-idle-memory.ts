import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../core/embedded/postgres';
import { startTemporalDevServer } from '../temporal/dev-server';
import { rssMiB } from './memory';
import { freePorts } from './ports';

/**
 * `npx tsx bench/api-idle-memory.ts [--source]`: the production API's idle resident memory (target < 100 MiB).
 * Starts PostgreSQL and a Temporal dev server, migrates, runs `node dist/api.mjs` as the image does (run
 * `npm run build` first; `--source` runs `tsx api/server.ts` instead), then samples VmRSS each second for 40 s
 * of idle, with a readiness probe every 10 s as Kubernetes sends. Extra arguments after `--` go to node
 * (e.g. `-- --max-semi-space-size=2`).
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const IDLE_SECONDS = 40;

export interface ApiIdleMemory {
  /** Smallest VmRSS over the first 5 s after /readyz answered (the young generation still at its start-up size). */
  startupMiB: number;
  /** Smallest VmRSS over the last 5 s of 40 s idle (V8's memory reducer has run). */
  idleMiB: number;
}

/** Runs the production API (or the sources with `source`) on its own PostgreSQL and Temporal, idle, and samples it. */
export async function measureApiIdleMemory(options: { source?: boolean; nodeFlags?: string[] } = {}): Promise<ApiIdleMemory> {
  const source = options.source ?? false;
  const nodeFlags = options.nodeFlags ?? [];
  const dir = await mkdtemp(join(tmpdir(), 'strata-idle-'));
  // PostgreSQL runs as the `postgres` user when this runs as root: it must be able to reach its data dir.
  await chmod(dir, 0o755);
  const [pgPort, temporalPort, uiPort, apiPort] = await freePorts(4);
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: pgPort!, database: 'strata' });
  const temporal = await startTemporalDevServer({ dbFile: null, port: temporalPort!, uiPort: uiPort! });
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    NODE_OPTIONS: ['--enable-source-maps', ...nodeFlags].join(' '),
    DATABASE_URL: pg.url,
    TEMPORAL_ADDRESS: temporal.address,
    STRATA_DATA_DIR: join(dir, 'data'),
    STRATA_BOOTSTRAP_TOKEN: 'strata_idle_bench_token_0123456789abcdef',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
  };
  const run = (args: string[]) => spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const migrate = run([source ? join(root, 'node_modules/tsx/dist/cli.mjs') : join(root, 'dist/migrate.mjs'), ...(source ? ['core/db/migrate-main.ts'] : [])]);
    const code = await new Promise((resolve) => migrate.once('exit', resolve));
    if (code !== 0) throw new Error(`migrate exited with ${String(code)}`);
    // tsx runs the API in a child of its CLI: measure the node process that runs the server, not the wrapper.
    const api = source ? run(['--import', 'tsx', 'api/server.ts']) : run([join(root, 'dist/api.mjs')]);
    try {
      const url = `http://127.0.0.1:${apiPort}`;
      for (let ready = false; !ready; ) {
        if (api.exitCode !== null) throw new Error(`the API exited with ${api.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
        ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
      }
      // Right after start-up the young generation still holds its start-up size; V8's memory reducer shrinks it
      // once the process has been idle for ~15 s. Both are reported; a readiness probe every 10 s runs throughout.
      const samples: number[] = [];
      for (let second = 1; second <= IDLE_SECONDS; second++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (second % 10 === 0) await fetch(`${url}/readyz`).then((r) => r.arrayBuffer());
        const rss = rssMiB(api.pid ?? null);
        if (rss !== null) samples.push(rss);
      }
      return { startupMiB: Math.min(...samples.slice(0, 5)), idleMiB: Math.min(...samples.slice(-5)) };
    } finally {
      api.kill('SIGTERM');
      if (api.exitCode === null) await new Promise((resolve) => api.once('exit', resolve));
    }
  } finally {
    await temporal.stop();
    await pg.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const source = process.argv.includes('--source');
  const nodeFlags = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];
  const m = await measureApiIdleMemory({ source, nodeFlags });
  const what = `${source ? 'tsx' : 'compiled'}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}`;
  console.log(`API RSS (${what}): ${m.startupMiB.toFixed(1)} MiB right after start-up, ${m.idleMiB.toFixed(1)} MiB after ${IDLE_SECONDS} s idle (target < 100)`);
}
