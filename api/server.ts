import './tracing-preload';
import { join } from 'node:path';
import { describeBootstrap, ensureBootstrapToken } from '../core/auth/bootstrap';
import { loadConfigOrExit, logFormatOf } from '../core/config';
import { createDb } from '../core/db/knex';
import { createLogger } from '../core/log';
import { stopTracing } from '../core/observability/tracing';
import { createStorage, resolveSigningSecret } from '../core/runtime';
import { connectClient } from '../temporal/connection';
import { startApiServer } from './http-server';

// The `api` entry point for production-like setups: an external PostgreSQL (already migrated) and Temporal.
const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'strata-api', format: logFormatOf(config) });
if (!config.databaseUrl || !config.temporal.address) {
  log.fatal('the api process needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded default)');
  process.exit(2);
}
const db = createDb(config.databaseUrl);
const signingSecret = await resolveSigningSecret(config);
const temporal = await connectClient({ address: config.temporal.address, namespace: config.temporal.namespace });
const bootstrap = await ensureBootstrapToken(db, { configured: config.bootstrapToken, file: join(config.dataDir, 'bootstrap-token') });
for (const line of describeBootstrap(bootstrap)) log.info(line);
const api = await startApiServer({
  config,
  db,
  databaseUrl: config.databaseUrl,
  storage: await createStorage(config, signingSecret),
  signingSecret,
  temporal,
  log,
});
log.info({ url: api.url, publicUrl: config.publicUrl }, 'Strata API listening');

const shutdown = async () => {
  log.info('shutting down');
  await api.close();
  await temporal.connection.close();
  await db.destroy();
  await stopTracing();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
