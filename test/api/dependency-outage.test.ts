import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../core/embedded/postgres';
import { startTemporalDevServer, type DevServerHandle } from '../../temporal/dev-server';
import { clientFor } from '../harness/http';
import { leftovers } from '../harness/leftovers';
import { startPlatform, type Platform } from '../harness/platform';
import { freePort } from '../harness/ports';
import { eventually } from '../harness/production';
import { moduleArchive } from '../production/cluster';

// Publish routes while PostgreSQL or Temporal is down: 503 `unavailable` with Retry-After (the client may
// retry), never a 500; and publishing works again once the dependency is back.

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-outage-'));
  await chmod(work, 0o755);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function publish(platform: Platform, version: string, body: Buffer) {
  return clientFor(platform)(`/api/v1/modules/acme/outage/aws/${version}?wait=true`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/gzip' },
  });
}

describe('PostgreSQL down', () => {
  let pgHandle: EmbeddedPostgresHandle;
  let platform: Platform;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    pgHandle = await startEmbeddedPostgres({ dir: join(work, 'pg'), port, database: 'strata_template' });
    platform = await startPlatform({ postgresUrl: pgHandle.adminUrl });
  });
  afterAll(async () => {
    await platform?.close();
    await pgHandle?.stop();
  });

  it('answers publishes 503 unavailable while it is down, and publishes again once it is back', async () => {
    expect((await publish(platform, '1.0.0', await moduleArchive(work, 'outage', '1.0.0', 1024))).status).toBe(201);
    await pgHandle.stop();
    const down = await publish(platform, '1.1.0', await moduleArchive(work, 'outage', '1.1.0', 1024));
    expect(down.status, down.body.toString()).toBe(503);
    expect(down.json().error.code).toBe('unavailable');
    expect(down.headers['retry-after']).toBe('5');
    pgHandle = await startEmbeddedPostgres({ dir: join(work, 'pg'), port, database: 'strata_template' });
    const again = await eventually(
      async () => {
        const res = await publish(platform, '1.1.0', await moduleArchive(work, 'outage', '1.1.0', 1024));
        return res.status === 201 ? res : null;
      },
      30_000,
      'a publish after PostgreSQL came back',
      500,
    );
    expect(again.json().version).toBe('1.1.0');
  });
});

describe('Temporal down', () => {
  let temporal: DevServerHandle;
  let platform: Platform;
  beforeAll(async () => {
    temporal = await startTemporalDevServer({ dbFile: null, port: await freePort(), uiPort: await freePort() });
    platform = await startPlatform({ temporalAddress: temporal.address });
  });
  afterAll(async () => {
    await platform?.close().catch(() => undefined);
    await temporal?.stop();
  });

  it('answers publishes 503 unavailable while it is down, and discards the staged upload', async () => {
    expect((await publish(platform, '1.0.0', await moduleArchive(work, 'outage', '1.0.0', 1024))).status).toBe(201);
    await platform.stopWorker();
    await temporal.stop();
    const started = Date.now();
    const down = await publish(platform, '1.1.0', await moduleArchive(work, 'outage', '1.1.0', 1024));
    console.log(`outage: publish with Temporal down answered ${down.status} after ${Date.now() - started} ms`);
    expect(down.status, down.body.toString()).toBe(503);
    expect(down.json().error.code).toBe('unavailable');
    expect((await leftovers(platform)).staged).toEqual([]);
  }, 120_000);
});
