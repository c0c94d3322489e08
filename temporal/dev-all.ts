import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBootstrapToken } from '../core/auth/bootstrap';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { startEmbeddedPostgres } from '../core/embedded/postgres';
import { createLogger } from '../core/log';
import { createStorage, extractLimits, resolveSigningSecret } from '../core/runtime';
import { createVcsRuntime } from '../core/vcs/runtime';
import { startApiServer } from '../api/http-server';
import { connectClient, registerSearchAttributes } from './connection';
import { createWorker } from './create-worker';
import { ensureVcsReconcileSchedule } from './schedules';
import { installTemporalLogging } from './logging';
import { startTemporalDevServer } from './dev-server';

/**
 * `npm start`: the whole platform on one machine. With no configuration: an embedded PostgreSQL and the
 * Temporal dev server (SQLite file and Web UI) under STRATA_DATA_DIR, migrations, the worker and the API.
 * DATABASE_URL / TEMPORAL_ADDRESS switch either part to an external service. Ctrl-C stops everything.
 */
const config = loadConfig();
const log = createLogger({ level: config.logLevel, name: 'strata' });
installTemporalLogging(log);
await mkdir(config.dataDir, { recursive: true });
const stops: (() => Promise<unknown>)[] = [];

async function shutdown(code: number): Promise<never> {
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
  const { worker, connection } = await createWorker({
    address: temporalAddress,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { db, storage, limits: extractLimits(config), vcs: await createVcsRuntime(config) },
  });
  const running = worker.run();
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
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
  running.catch(async (err) => {
    log.error({ err }, 'worker stopped unexpectedly');
    await shutdown(1);
  });
} catch (err) {
  log.fatal({ err }, 'Strata could not start');
  await shutdown(1);
}
