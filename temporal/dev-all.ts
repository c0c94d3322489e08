// `npm start` runs the API in this process: traced like `npm run api` when OTEL_EXPORTER_OTLP_ENDPOINT is set.
import '../api/tracing-preload';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBootstrap, ensureBootstrapToken } from '../core/auth/bootstrap';
import { childEnvironment, loadConfigOrExit, logFormatOf } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { startEmbeddedPostgres } from '../core/embedded/postgres';
import { assertPortFree, spawnBoundChild, StartupBlocked } from '../core/embedded/processes';
import { RestartingChild } from '../core/embedded/restarting-child';
import { createLogger } from '../core/log';
import { stopTracing } from '../core/observability/tracing';
import { createStorage, resolveSigningSecret } from '../core/runtime';
import { startApiServer } from '../api/http-server';
import { connectClient, registerSearchAttributes } from './connection';
import { ensureCredentialCheckSchedule, ensureVcsReconcileSchedule } from './schedules';
import { startTemporalDevServer } from './dev-server';

/**
 * `npm start`: the whole platform on one machine, supervised. With no configuration: an embedded PostgreSQL and
 * the Temporal dev server (SQLite file and Web UI) under STRATA_DATA_DIR, migrations, the worker (its own
 * process, restarted with backoff when it dies while the API keeps serving) and the API.
 * Every child is bound to this process: none outlives it, even when it is SIGKILLed.
 * DATABASE_URL / TEMPORAL_ADDRESS switch either part to an external service. Ctrl-C stops everything.
 */
const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'strata', format: logFormatOf(config) });
await mkdir(config.dataDir, { recursive: true });
const stops: { name: string; stop: () => Promise<unknown> }[] = [];

let stopping: Promise<never> | null = null;
/** Stops everything in reverse start order, each part bounded in time; a failing part never stops the rest. */
function shutdown(code: number): Promise<never> {
  stopping ??= (async () => {
    log.info('stopping Strata');
    for (const { name, stop } of stops.reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise((resolve) => (timer = setTimeout(() => resolve(log.warn(`${name} did not stop within 45 s`)), 45_000)));
      await Promise.race([stop().catch((err: unknown) => log.warn({ err }, `error while stopping the ${name}`)), bound]);
      clearTimeout(timer);
    }
    await stopTracing().catch(() => {});
    process.exit(code);
  })();
  return stopping;
}

// A gRPC call retried by a Temporal client after its channel closed rejects with "Channel has been shut down"
// where nobody awaits it any more: during shutdown that is expected noise, never a reason to crash.
process.on('unhandledRejection', (err) => {
  if (stopping) log.debug({ err }, 'ignored during shutdown');
  else log.error({ err }, 'unhandled rejection (the platform keeps running)');
});
process.on('uncaughtException', (err) => {
  if (stopping) return log.debug({ err }, 'ignored during shutdown');
  log.fatal({ err }, 'uncaught exception');
  void shutdown(1);
});
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));

try {
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dir: join(config.dataDir, 'postgres'), port: config.embeddedPostgresPort, secretsDir: config.dataDir, log });
    stops.push({ name: 'embedded PostgreSQL', stop: pg.stop });
    databaseUrl = pg.url;
    log.info({ port: config.embeddedPostgresPort }, 'embedded PostgreSQL started');
  }
  const db = createDb(databaseUrl);
  stops.push({ name: 'database pool', stop: () => db.destroy() });
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
    stops.push({ name: 'Temporal dev server', stop: dev.stop });
    temporalAddress = dev.address;
    uiUrl = dev.uiUrl;
  }
  const client = await connectClient({ address: temporalAddress, namespace: config.temporal.namespace });
  stops.push({ name: 'Temporal client', stop: () => client.connection.close() });
  await registerSearchAttributes(client, config.temporal.namespace);
  await ensureVcsReconcileSchedule(client, { taskQueue: config.temporal.taskQueue, intervalMinutes: config.vcs.reconcileIntervalMinutes });
  await ensureCredentialCheckSchedule(client, { taskQueue: config.temporal.taskQueue, intervalHours: config.credentials.checkIntervalHours });

  const signingSecret = await resolveSigningSecret(config);
  const storage = await createStorage(config, signingSecret);
  // The worker runs in a process of its own, exactly as in production: archive hashing and analysis never
  // share a thread with the protocol hot path, and a crashed worker does not take the registry down.
  const workerEntry = fileURLToPath(new URL('./worker.ts', import.meta.url));
  const worker = new RestartingChild({
    name: 'worker',
    log,
    spawn: () =>
      spawnBoundChild(process.execPath, [...process.execArgv, workerEntry], {
        deathSignal: 'SIGTERM',
        env: childEnvironment({ DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress, STRATA_SIGNING_SECRET: signingSecret }),
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
  });
  worker.start();
  stops.push({ name: 'worker', stop: () => worker.stop(30_000) });

  if (config.port !== 0) await assertPortFree(config.port, 'Strata API', 'PORT');
  const api = await startApiServer({ config, db, databaseUrl, storage, signingSecret, temporal: client, log });
  stops.push({ name: 'API', stop: api.close });

  const bootstrap = await ensureBootstrapToken(db, { configured: config.bootstrapToken, file: join(config.dataDir, 'bootstrap-token') });
  log.info({ url: config.publicUrl, listening: api.url }, `Strata API: ${config.publicUrl}`);
  log.info({ url: uiUrl }, `Temporal UI: ${uiUrl}`);
  for (const line of describeBootstrap(bootstrap)) log.info(line);
} catch (err) {
  if (err instanceof StartupBlocked) log.fatal(`Strata could not start: ${err.message}`);
  else log.fatal({ err }, 'Strata could not start');
  await shutdown(1);
}
