import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createModuleActivities } from '../../activities/modules/module-activities';
import { defaultExtractLimits } from '../../core/registry/archive';
import { LocalStorage } from '../../core/storage/local';
import type { BlobStorage } from '../../core/storage/storage';
import { writeDemoModule } from '../fixtures/modules';
import { inspectAndStore, TEST_HEARTBEAT_TIMEOUT_MS } from './fixtures/heartbeat-workflow';

// Long activities heartbeat while they stream: a store that delivers an archive far slower than the heartbeat
// timeout still lets the publish's read-and-analyse and copy steps complete (real worker, real Temporal server).

const SLOW_MS = 6000;

/** The real local storage, made slow: reads trickle out in 12 slices over SLOW_MS, copies take SLOW_MS. */
function throttled(inner: BlobStorage): BlobStorage {
  return {
    capabilities: inner.capabilities,
    deleteOlderThan: (prefix, before) => inner.deleteOlderThan(prefix, before),
    put: (key, body, options) => inner.put(key, body, options),
    stat: (key) => inner.stat(key),
    delete: (key) => inner.delete(key),
    signedUrl: (key, options) => inner.signedUrl(key, options),
    async get(key, options) {
      const source = await inner.get(key, options);
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(chunk as Buffer);
      const all = Buffer.concat(chunks);
      const slices = 12;
      const size = Math.ceil(all.length / slices);
      return Readable.from(
        (async function* () {
          for (let i = 0; i < all.length; i += size) {
            await sleep(SLOW_MS / slices);
            yield all.subarray(i, i + size);
          }
        })(),
      );
    },
    async copy(from, to) {
      await sleep(SLOW_MS);
      await inner.copy(from, to);
    },
  };
}

let dir: string;
let storage: BlobStorage;
let worker: Worker;
let running: Promise<void>;
let workerConnection: NativeConnection;
let connection: Connection;
let client: Client;
const taskQueue = `slow-storage-${randomUUID()}`;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  dir = await mkdtemp(join(tmpdir(), 'strata-slow-'));
  const local = new LocalStorage(join(dir, 'blobs'), 'http://127.0.0.1', 'secret');
  storage = throttled(local);
  workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowsPath: new URL('./fixtures/heartbeat-workflow.ts', import.meta.url).pathname,
    // Only the activities under test: no database is touched by them.
    activities: createModuleActivities({ db: undefined as never, storage, limits: defaultExtractLimits }),
  });
  running = worker.run();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await connection?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('heartbeats on a slow store', () => {
  it('completes reading, analysing and copying an archive delivered slower than the heartbeat timeout', async () => {
    expect(SLOW_MS).toBeGreaterThan(2 * TEST_HEARTBEAT_TIMEOUT_MS);
    const { bytes } = await writeDemoModule(dir, '1.0.0');
    const stagingKey = `staging/${randomUUID()}/module.tar.gz`;
    await storage.put(stagingKey, bytes);
    const started = Date.now();
    let result;
    try {
      result = await client.workflow.execute(inspectAndStore, { taskQueue, workflowId: `slow-${randomUUID()}`, args: [{ stagingKey, format: 'tar.gz' }] });
    } catch (err) {
      // Surface the activity's failure (a heartbeat timeout) rather than the bare "workflow failed".
      throw err instanceof WorkflowFailedError ? (err.cause ?? err) : err;
    }
    expect(Date.now() - started).toBeGreaterThan(2 * SLOW_MS - 1000);
    expect(result.blobKey).toContain(result.sha256);
    expect(await storage.stat(result.blobKey)).toEqual({ size: bytes.length });
  });
});
