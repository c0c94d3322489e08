import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { layout } from '../layout';

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

export function createDb(url: string, options: { poolMax?: number } = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
}


/** Applies pending migrations. Run as its own step (`npm run migrate`, or the launcher), never per request. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource, tableName: 'knex_migrations' })) as [number, string[]];
  return applied;
}

/**
 * Only `YYYYMMDDHHMMSS_name.ts` files (or their compiled `.mjs`/`.js` in the production build) are migrations,
 * in name order. A migration is recorded under its source name (`….ts`) whichever form ran it, so a database
 * migrated from the sources is up to date for the build and the other way round.
 */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () =>
    readdirSync(layout.migrationsDir)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.(ts|mjs|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort(),
  getMigrationName: (file) => file.replace(/\.(mjs|js)$/, '.ts'),
  getMigration: async (file) => import(pathToFileURL(join(layout.migrationsDir, file)).href) as Promise<Knex.Migration>,
};

/** True when the error is a PostgreSQL unique violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
