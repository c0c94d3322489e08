import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnChild, type Child } from './child';
import { freePorts } from './ports';

export interface RunningPlatform {
  /** Where to send requests: the loopback address the API listens on. */
  url: string;
  /** The platform's public URL (what it puts in discovery, signed URLs and mirror hostnames). */
  publicUrl: string;
  token: string;
  /** Connection string of the embedded PostgreSQL, for bench-only seeding. */
  databaseUrl: string;
  /** The embedded Temporal dev server's frontend, for looking at workflow histories. */
  temporalAddress: string;
  child: Child;
  /** Ctrl-C, as a user would: SIGINT, then SIGKILL after 20 s. Resolves true when it stopped in time. */
  stop(): Promise<boolean>;
}

const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;

/**
 * Starts the embedded default exactly as `npm start` does — `npx tsx temporal/dev-all.ts` — on free ports with
 * its data under `dataDir`, and waits until `/readyz` answers 200.
 */
export async function startPlatform(input: {
  repoDir: string;
  dataDir: string;
  /**
   * Node flags such as `--cpu-prof`. Node 20 refuses them in NODE_OPTIONS, so with flags the launcher is
   * `node <flags> --import tsx temporal/dev-all.ts` — the same program without the npx/tsx wrapper processes.
   */
  nodeArgs?: string[];
}): Promise<RunningPlatform> {
  await mkdir(input.dataDir, { recursive: true });
  // As root the embedded PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
  await chmod(input.dataDir, 0o755);
  const [port, pgPort, temporalPort, temporalUiPort] = (await freePorts(4)) as [number, number, number, number];
  const token = `strata_bench_${randomBytes(16).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    STRATA_DATA_DIR: input.dataDir,
    // Suites written for the public registry read anonymously; the identity suites ask for `private`, the default.
    STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'public',
    // They publish and mint tokens far faster than a person: the rate-limit suites turn the limits on.
    STRATA_UPLOAD_LIMIT: '0',
    STRATA_TOKEN_CREATE_LIMIT: '0',
    STRATA_EMBEDDED_PG_PORT: String(pgPort),
    STRATA_TEMPORAL_PORT: String(temporalPort),
    STRATA_TEMPORAL_UI_PORT: String(temporalUiPort),
    STRATA_BOOTSTRAP_TOKEN: token,
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  delete env.STRATA_PUBLIC_URL;

  const child = input.nodeArgs?.length
    ? spawnChild(process.execPath, [...input.nodeArgs, '--import', 'tsx', 'temporal/dev-all.ts'], { cwd: input.repoDir, env })
    : spawnChild('npx', ['tsx', 'temporal/dev-all.ts'], { cwd: input.repoDir, env });
  const url = `http://127.0.0.1:${port}`;
  const platform: RunningPlatform = {
    url,
    publicUrl: `http://localhost:${port}`,
    token,
    databaseUrl: '', // known once the platform has generated its PostgreSQL passwords
    temporalAddress: `127.0.0.1:${temporalPort}`,
    child,
    stop: () => child.stop('SIGINT', STOP_GRACE_MS),
  };
  try {
    await waitForReady(url, child);
    // The embedded PostgreSQL has a random password per data dir: sign in as the application's role with it.
    const password = (await readFile(join(input.dataDir, 'postgres-strata-password'), 'utf8')).trim();
    platform.databaseUrl = `postgres://strata:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/strata`;
  } catch (err) {
    await platform.stop();
    throw err;
  }
  return platform;
}

async function waitForReady(url: string, child: Child): Promise<void> {
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the platform exited before it was ready:\n${child.output()}`);
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the platform was not ready after ${READY_TIMEOUT_MS / 1000} s:\n${child.output()}`);
}
