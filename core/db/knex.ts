import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

export function createDb(url: string, options: { poolMax?: number } = {}): Knex {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
}

const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Applies pending migrations. Run as its own step (`npm run migrate`, or the launcher), never per request. */
export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource, tableName: 'knex_migrations' })) as [number, string[]];
  return applied;
}

/** Only `YYYYMMDDHHMMSS_name.ts` files are migrations, in name order. */
const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () =>
    readdirSync(migrationsDir)
      .filter((f) => /^\d{14}_[a-z0-9_]+\.ts$/.test(f))
      .sort(),
  getMigrationName: (file) => file,
  getMigration: async (file) => import(pathToFileURL(join(migrationsDir, file)).href) as Promise<Knex.Migration>,
};

/** True when the error is a PostgreSQL unique violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
