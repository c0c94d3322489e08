import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type NativeConnection, type Worker, type WorkflowBundle } from '@temporalio/worker';
import Long from 'long';
import pg from 'pg';
import { inject } from 'vitest';
import { startApiServer, type RunningApi } from '../../api/http-server';
import { ensureBootstrapToken } from '../../core/auth/bootstrap';
import { loadConfig, type Config } from '../../core/config';
import { createDb, migrateLatest, type Db } from '../../core/db/knex';
import { createLogger, type Logger } from '../../core/log';
import { startMetricsServer } from '../../core/observability/metrics-server';
import { WorkerMetrics } from '../../core/observability/worker-metrics';
import { createStorage, extractLimits } from '../../core/runtime';
import type { BlobStorage } from '../../core/storage/storage';
import { createRunRuntime } from '../../core/runs/runtime';
import { createNotificationRuntime } from '../../core/notifications/runtime';
import { createVcsRuntime } from '../../core/vcs/runtime';
import { connectClient, registerSearchAttributes } from '../../temporal/connection';
import { bundleWorkflows, createWorker } from '../../temporal/create-worker';
import { freePort } from './ports';
import { createTestCertificates, type TestCertificates } from './tls';

/** A port-less origin hostname the test platforms' network mirror also serves hosted providers under. */
export const MIRROR_ALIAS = 'registry.strata.test';

let bundle: Promise<WorkflowBundle> | null = null;
/** One workflow bundle per test process (bundling takes a second or two). */
export function sharedBundle(): Promise<WorkflowBundle> {
  // Expected activity failures (bad archives) are logged by the SDK as warnings: keep test output readable.
  if (!bundle) Runtime.install({ logger: new DefaultLogger('ERROR') });
  return (bundle ??= bundleWorkflows());
}

/** A fresh database on the run's PostgreSQL, migrated. */
export async function createTestDatabase(adminUrl = inject('postgresUrl')): Promise<{ url: string; db: Db }> {
  const name = `strata_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/[^/]+$/, `/${name}`);
  const db = createDb(url, { poolMax: 5 });
  await migrateLatest(db);
  return { url, db };
}

export interface Platform {
  config: Config;
  /** Base URL to call (the public URL). */
  url: string;
  token: string;
  db: Db;
  databaseUrl: string;
  storage: BlobStorage;
  temporal: Client;
  certificates: TestCertificates | null;
  dataDir: string;
  api: RunningApi;
  /** The in-process worker's metrics endpoint, when STRATA_WORKER_METRICS_PORT is set. */
  workerMetricsUrl: string | null;
  /** Stops the worker (to simulate a crash or an outage) and starts a new one. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole platform in this test process, on real components: its own database on the run's PostgreSQL, the
 * run's Temporal dev server with a task queue of its own, a real worker, and the API on a free loopback port
 * (HTTPS with a throw-away CA when `tls` is set).
 */
export async function startPlatform(
  options: {
    tls?: boolean;
    env?: Record<string, string>;
    /** A PostgreSQL (superuser URL) or Temporal server of the test's own instead of the run's (outage tests). */
    postgresUrl?: string;
    temporalAddress?: string;
    /** The API's logger (tests that read what it logs); silent by default. */
    log?: Logger;
  } = {},
): Promise<Platform> {
  const temporalAddress = options.temporalAddress ?? inject('temporalAddress');
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-platform-'));
  const certificates = options.tls ? await createTestCertificates(dataDir) : null;
  const port = await freePort();
  const { url: databaseUrl, db } = await createTestDatabase(options.postgresUrl);
  const token = `strata_test_${randomBytes(16).toString('hex')}`;
  // Workflow IDs are business keys, unique per Temporal namespace: every platform gets a namespace of its own
  // on the run's shared dev server, so two test files publishing acme/demo/aws 1.0.0 never collide.
  const namespace = `strata-test-${randomBytes(6).toString('hex')}`;
  const registration = await Connection.connect({ address: temporalAddress });
  await registration.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
  await registration.close();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    STRATA_PUBLIC_URL: `${certificates ? 'https' : 'http'}://127.0.0.1:${port}`,
    STRATA_DATA_DIR: dataDir,
    STRATA_BOOTSTRAP_TOKEN: token,
    STRATA_SIGNING_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    STRATA_TASK_QUEUE: `strata-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    STRATA_MIRROR_HOSTNAMES: MIRROR_ALIAS,
    // Suites written for the public registry read anonymously; the identity suites ask for `private`, the default.
    STRATA_NAMESPACE_DEFAULT_VISIBILITY: 'public',
    // They publish and mint tokens far faster than a person: the rate-limit suites turn the limits on.
    STRATA_UPLOAD_LIMIT: '0',
    STRATA_TOKEN_CREATE_LIMIT: '0',
    ...(certificates ? { STRATA_TLS_CERT: certificates.certFile, STRATA_TLS_KEY: certificates.keyFile, STRATA_ENGINE_CA_FILE: certificates.caFile } : {}),
    ...options.env,
  });
  const log = options.log ?? createLogger({ level: config.logLevel });
  const storage = await createStorage(config, config.signingSecret!);
  const temporal = await connectClient({ address: config.temporal.address!, namespace: config.temporal.namespace });
  await registerSearchAttributes(temporal, config.temporal.namespace);
  await ensureBootstrapToken(db, { configured: token, file: join(dataDir, 'bootstrap-token') });

  const vcs = await createVcsRuntime(config);
  const notifications = await createNotificationRuntime(config, config.signingSecret!);
  const workerMetrics = new WorkerMetrics();
  const workerMetricsPort = config.observability.workerMetricsPort;
  const workerMetricsServer =
    workerMetricsPort === null
      ? null
      : await startMetricsServer({ registry: workerMetrics.registry, port: workerMetricsPort, host: config.host, token: config.observability.metricsToken });
  let running: { worker: Worker; connection: NativeConnection; done: Promise<void> } | null = null;
  const startWorker = async () => {
    const { worker, connection } = await createWorker({
      address: config.temporal.address!,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { db, storage, limits: extractLimits(config), vcs, runs: await createRunRuntime(config), publicUrl: config.publicUrl, notifications },
      metrics: workerMetrics,
      workflowBundle: await sharedBundle(),
    });
    running = { worker, connection, done: worker.run() };
  };
  const stopWorker = async () => {
    if (!running) return;
    const r = running as { worker: Worker; connection: NativeConnection; done: Promise<void> };
    running = null;
    r.worker.shutdown();
    await r.done;
    await r.connection.close();
  };
  await startWorker();
  const api = await startApiServer({ config, db, databaseUrl, storage, signingSecret: config.signingSecret!, temporal, log });

  return {
    config,
    url: config.publicUrl,
    token,
    db,
    databaseUrl,
    storage,
    temporal,
    certificates,
    dataDir,
    api,
    workerMetricsUrl: workerMetricsServer?.url ?? null,
    stopWorker,
    startWorker,
    close: async () => {
      await api.close();
      await stopWorker();
      await workerMetricsServer?.close();
      await temporal.connection.close();
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
