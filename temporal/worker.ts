import './tracing-preload';
import { loadConfigOrExit, logFormatOf } from '../core/config';
import { createDb } from '../core/db/knex';
import { createLogger } from '../core/log';
import { stopTracing } from '../core/observability/tracing';
import { startMetricsServer } from '../core/observability/metrics-server';
import { WorkerMetrics } from '../core/observability/worker-metrics';
import { createStorage, extractLimits, resolveSigningSecret } from '../core/runtime';
import { startSweeper } from '../core/sweeper';
import { createRunRuntime } from '../core/runs/runtime';
import { createVcsRuntime } from '../core/vcs/runtime';
import { connectClient, registerSearchAttributes } from './connection';
import { createWorker, loadWorkflowBundle } from './create-worker';
import { ensureCredentialCheckSchedule, ensureNotificationSweepSchedule, ensureVcsReconcileSchedule } from './schedules';
import { createNotificationRuntime } from '../core/notifications/runtime';
import { installTemporalLogging } from './logging';

// The `worker` entry point for production-like setups. Workers are stateless; run as many as needed.
const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'strata-worker', format: logFormatOf(config) });
installTemporalLogging(log);
if (!config.databaseUrl || !config.temporal.address) {
  log.fatal('the worker process needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded default)');
  process.exit(2);
}
const db = createDb(config.databaseUrl);
const client = await connectClient({ address: config.temporal.address, namespace: config.temporal.namespace });
await registerSearchAttributes(client, config.temporal.namespace);
// The reconcile schedule (moved tags, missed webhooks) is recreated here too, e.g. after a namespace reset.
await ensureVcsReconcileSchedule(client, { taskQueue: config.temporal.taskQueue, intervalMinutes: config.vcs.reconcileIntervalMinutes });
await ensureCredentialCheckSchedule(client, { taskQueue: config.temporal.taskQueue, intervalHours: config.credentials.checkIntervalHours });
// Notification events committed but never started (a crash between commit and start) are started by this sweep.
await ensureNotificationSweepSchedule(client, { taskQueue: config.temporal.taskQueue });
await client.connection.close();
const signingSecret = await resolveSigningSecret(config);
const storage = await createStorage(config, signingSecret);
// Abandoned staged uploads and scratch directories (a crashed publish, a killed worker) are swept here.
const sweeper = startSweeper({ storage, maxAgeHours: config.limits.stagingMaxAgeHours, log });
const metrics = new WorkerMetrics();
const metricsServer =
  config.observability.workerMetricsPort === null
    ? null
    : await startMetricsServer({
        registry: metrics.registry,
        port: config.observability.workerMetricsPort,
        host: config.host,
        token: config.observability.metricsToken,
      });
if (metricsServer) log.info({ url: metricsServer.url }, 'worker metrics listening');
// The production build's prebuilt bundle, or the sources bundled now (a few seconds) when run with tsx.
const workflowBundle = await loadWorkflowBundle();
const { worker, connection } = await createWorker({
  address: config.temporal.address,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: {
    db,
    storage,
    limits: extractLimits(config),
    vcs: await createVcsRuntime(config),
    runs: await createRunRuntime(config),
    publicUrl: config.publicUrl,
    notifications: await createNotificationRuntime(config, signingSecret),
  },
  metrics,
  workflowBundle,
});
log.info({ taskQueue: config.temporal.taskQueue, workflowBundle: 'codePath' in workflowBundle ? workflowBundle.codePath : 'bundled from the sources' }, 'Strata worker running');
// Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks have drained (the SDK installs the handlers).
await worker.run();
sweeper.stop();
log.info('Strata worker stopped');
await metricsServer?.close();
await connection.close();
await db.destroy();
await stopTracing();
