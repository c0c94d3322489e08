import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTemporalDevServer, type DevServerHandle } from '../../temporal/dev-server';
import { clientFor } from '../harness/http';
import { startPlatform, type Platform } from '../harness/platform';
import { freePort } from '../harness/ports';

// The API keeps one gRPC channel to Temporal. While Temporal is down, failed connection attempts back off; left at
// gRPC's defaults (growing to 120 s) an API polled through a 30 s outage stayed 503 for many seconds after Temporal
// was back (the chaos test once waited over 60 s). Reconnects are capped at 2 s (temporal/connection.ts).

let temporal: DevServerHandle;
let platform: Platform;
let ports: { port: number; uiPort: number };
beforeAll(async () => {
  ports = { port: await freePort(), uiPort: await freePort() };
  temporal = await startTemporalDevServer({ dbFile: null, ...ports });
  platform = await startPlatform({ temporalAddress: temporal.address });
});
afterAll(async () => {
  await platform?.close().catch(() => undefined);
  await temporal?.stop();
});

it('is ready again within seconds of Temporal coming back after a 30 s outage', async () => {
  const call = clientFor(platform);
  const ready = async () => (await call('/readyz', { token: null })).status === 200;
  expect(await ready()).toBe(true);
  await platform.stopWorker();
  await temporal.stop();
  // Polled as a load balancer would, so the channel keeps failing to connect and its backoff grows.
  const outageEnds = Date.now() + 30_000;
  while (Date.now() < outageEnds) {
    expect(await ready()).toBe(false);
    await new Promise((r) => setTimeout(r, 500));
  }
  temporal = await startTemporalDevServer({ dbFile: null, ...ports });
  const back = Date.now();
  while (!(await ready())) {
    if (Date.now() - back > 20_000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const waited = Date.now() - back;
  console.log(`temporal-reconnect: ready ${waited} ms after Temporal came back`);
  expect(waited).toBeLessThan(5_000);
}, 120_000);
