import { loadConfig } from '../core/config';
import { createDb } from '../core/db/knex';
import { createLogger } from '../core/log';
import { createStorage, extractLimits, resolveSigningSecret } from '../core/runtime';
import { createVcsRuntime } from '../core/vcs/runtime';
import { connectClient, registerSearchAttributes } from './connection';
import { createWorker } from './create-worker';
import { ensureVcsReconcileSchedule } from './schedules';
import { installTemporalLogging } from './logging';

// The `worker` entry point for production-like setups. Workers are stateless; run as many as needed.
const config = loadConfig();
const log = createLogger({ level: config.logLevel, name: 'strata-worker' });
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
await client.connection.close();
const signingSecret = await resolveSigningSecret(config);
const { worker, connection } = await createWorker({
  address: config.temporal.address,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: { db, storage: createStorage(config, signingSecret), limits: extractLimits(config), vcs: await createVcsRuntime(config) },
});
log.info({ taskQueue: config.temporal.taskQueue }, 'Strata worker running');
// Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks have drained (the SDK installs the handlers).
await worker.run();
log.info('Strata worker stopped');
await connection.close();
await db.destroy();
