import { loadConfigOrExit, logFormatOf } from '../config';
import { createDb, migrateLatest } from './knex';
import { createLogger } from '../log';

// The `migrate` entry point for production-like setups (a one-shot container before api and worker start).
const config = loadConfigOrExit();
const log = createLogger({ level: config.logLevel, name: 'strata-migrate', format: logFormatOf(config) });
if (!config.databaseUrl) {
  log.fatal('DATABASE_URL is required for `npm run migrate` (the embedded default migrates on `npm start`)');
  process.exit(2);
}
const db = createDb(config.databaseUrl, { poolMax: 2 });
try {
  const applied = await migrateLatest(db);
  log.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
} finally {
  await db.destroy();
}
