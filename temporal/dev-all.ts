import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBootstrapToken } from '../core/auth/bootstrap';
import { childEnvironment, loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { startEmbeddedPostgres } from '../core/embedded/postgres';
import { createLogger } from '../core/log';
import { createStorage, resolveSigningSecret } from '../core/runtime';
import { startApiServer } from '../api/http-server';
import { connectClient, registerSearchAttributes } from './connection';
import { ensureVcsReconcileSchedule } from './schedules';
import { startTemporalDevServer, stopChild } from './dev-server';

/**
 * `npm start`: the whole platform on one machine. With no configuration: an embedded PostgreSQL and the
 * Temporal dev server (SQLite file and Web UI) under STRATA_DATA_DIR, migrations, the worker (its own process)
 * and the API.
 * DATABASE_URL / TEMPORAL_ADDRESS switch either part to an external service. Ctrl-C stops everything.
 */
const config = loadConfig();
const log = createLogger({ level: config.logLevel, name: 'strata' });
await mkdir(config.dataDir, { recursive: true });
const stops: (() => Promise<unknown>)[] = [];

let stopping = false;
async function shutdown(code: number): Promise<never> {
  stopping = true;
  log.info('stopping Strata');
  for (const stop of stops.reverse()) {
    await stop().catch((err) => log.warn({ err }, 'error while stopping'));
  }
  process.exit(code);
}

try {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dir: join(config.dataDir, 'postgres'), port: config.embeddedPostgresPort, log });
    stops.push(pg.stop);
    databaseUrl = pg.url;
    log.info({ port: config.embeddedPostgresPort }, 'embedded PostgreSQL started');
  }
  const db = createDb(databaseUrl);
  stops.push(() => db.destroy());
  const applied = await migrateLatest(db);
  if (applied.length) log.info({ applied }, 'migrations applied');

  let temporalAddress = config.temporal.address;
  let uiUrl = config.temporal.uiUrl;
  if (!temporalAddress) {
    const dev = await startTemporalDevServer({
      dbFile: join(config.dataDir, 'temporal.db'),
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      log,
    });
    stops.push(dev.stop);
    temporalAddress = dev.address;
    uiUrl = dev.uiUrl;
  }
  const client = await connectClient({ address: temporalAddress, namespace: config.temporal.namespace });
  stops.push(() => client.connection.close());
  await registerSearchAttributes(client, config.temporal.namespace);
  await ensureVcsReconcileSchedule(client, { taskQueue: config.temporal.taskQueue, intervalMinutes: config.vcs.reconcileIntervalMinutes });

  const signingSecret = await resolveSigningSecret(config);
  const storage = createStorage(config, signingSecret);
  // The worker runs in a process of its own, exactly as in production: archive hashing and analysis never
  // share a thread with the protocol hot path, and a crashed worker does not take the registry down.
  const worker = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL('./worker.ts', import.meta.url))], {
    env: childEnvironment({ DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, STRATA_SIGNING_SECRET: signingSecret }),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const workerExited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
  stops.push(async () => {
    if (worker.exitCode === null && worker.signalCode === null) await stopChild(worker, 30_000);
  });

  const api = await startApiServer({ config, db, databaseUrl, storage, signingSecret, temporal: client, log });
  stops.push(api.close);

  const bootstrap = await ensureBootstrapToken(db, { configured: config.bootstrapToken, file: join(config.dataDir, 'bootstrap-token') });
  log.info({ url: config.publicUrl, listening: api.url }, `Strata API: ${config.publicUrl}`);
  log.info({ url: uiUrl }, `Temporal UI: ${uiUrl}`);
  if (bootstrap.created) log.info({ token: bootstrap.token }, `admin API token (shown once, also saved in ${bootstrap.file}): ${bootstrap.token}`);
  else if (bootstrap.file) log.info(`admin API token: see ${bootstrap.file}`);
  else log.info('admin API token: STRATA_BOOTSTRAP_TOKEN');

  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  void workerExited.then(async (code) => {
    if (stopping) return;
    log.error({ code }, 'the worker stopped unexpectedly');
    await shutdown(1);
  });
} catch (err) {
  log.fatal({ err }, 'Strata could not start');
  await shutdown(1);
}
