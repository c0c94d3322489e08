import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../core/embedded/postgres';
import { startTemporalDevServer } from '../../temporal/dev-server';
import { freePort } from '../harness/ports';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    temporalAddress: string;
  }
}

/**
 * One real PostgreSQL and one real Temporal dev server for the whole run; each test file gets its own database
 * and task queue (see test/harness/platform.ts).
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'strata-test-'));
  // PostgreSQL runs as the `postgres` user when the suite runs as root: it must be able to reach its data dir.
  await chmod(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dir: join(dir, 'pg'), port: await freePort(), database: 'strata_template' });
  const temporal = await startTemporalDevServer({ dbFile: null, port: await freePort(), uiPort: await freePort() });
  project.provide('postgresUrl', pg.adminUrl);
  project.provide('temporalAddress', temporal.address);
  return async () => {
    await temporal.stop();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
